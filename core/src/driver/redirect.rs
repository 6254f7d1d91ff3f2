//! Where a download may take the token, and where a redirect leads.
//!
//! The rule for `Authorization` on downloads (the `download_url` of a
//! recording, and every hop of a redirect): the token goes to
//!
//! - `https` URLs whose host is `zoom.us` or ends in `.zoom.us` (any case, a
//!   trailing root dot ignored) on the default port, or
//! - the exact origin (scheme, host and port) of a base URL the session was
//!   configured with or the token named (`api_url`): the user chose to trust
//!   it (a mock server, a proxy, ZoomGov).
//!
//! Anything else (a CDN, an `http://` Zoom URL, `zoom.us.example.com`,
//! `evilzoom.us`, a userinfo trick like `https://zoom.us@example.com`, whose
//! host is `example.com`) gets the request without `Authorization`.

use http::Uri;

/// Most redirects a download follows before failing.
pub const MAX_REDIRECTS: u32 = 5;

/// Whether `uri` is one of Zoom's own hosts over https.
pub fn is_zoom_host(uri: &Uri) -> bool {
    if uri.scheme_str() != Some("https") {
        return false;
    }
    if uri.port_u16().is_some_and(|p| p != 443) {
        return false;
    }
    let Some(host) = uri.host() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "zoom.us" || host.ends_with(".zoom.us")
}

/// Scheme, lowercased host and effective port of `uri`.
fn origin(uri: &Uri) -> Option<(String, String, u16)> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.trim_end_matches('.').to_ascii_lowercase();
    let port = uri.port_u16().or(match scheme.as_str() {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    })?;
    Some((scheme, host, port))
}

/// Whether `uri` may receive the token: a Zoom host, or the origin of one of
/// `trusted` (base URLs).
pub fn may_carry_token<'a>(uri: &Uri, trusted: impl IntoIterator<Item = &'a str>) -> bool {
    if is_zoom_host(uri) {
        return true;
    }
    let Some(target) = origin(uri) else {
        return false;
    };
    trusted
        .into_iter()
        .filter_map(|base| base.parse::<Uri>().ok())
        .any(|base| origin(&base).as_ref() == Some(&target))
}

/// An absolute `http(s)` URL, or `None`.
pub fn absolute_url(url: &str) -> Option<Uri> {
    let uri: Uri = url.trim().parse().ok()?;
    let scheme = uri.scheme_str()?;
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return None;
    }
    uri.host().filter(|h| !h.is_empty())?;
    Some(uri)
}

/// Resolves a `Location` against the URL that answered with it (RFC 9110
/// §10.2.2 allows relative references): absolute, scheme-relative
/// (`//host/p`), absolute-path (`/p`) and path-relative (`p`) forms.
pub fn resolve(base: &Uri, location: &str) -> Option<Uri> {
    let location = location.trim();
    if location.is_empty() {
        return None;
    }
    let has_scheme = location
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '?', '#']));
    if has_scheme {
        // Absolute: only http(s) is followed.
        return absolute_url(location);
    }
    let scheme = base.scheme_str()?;
    let authority = base.authority()?.as_str();
    let joined = if location.starts_with("//") {
        format!("{scheme}:{location}")
    } else if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let path = base.path();
        let dir = path
            .rfind('/')
            .map_or("/", |i| path.get(..=i).unwrap_or("/"));
        format!("{scheme}://{authority}{dir}{location}")
    };
    absolute_url(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn zoom_hosts_are_zoom_us_and_subdomains_over_https() {
        for yes in [
            "https://zoom.us/rec/1",
            "https://api.zoom.us/v2/x",
            "https://ZOOM.US/x",
            "https://file.zoom.us./x",
            "https://us06web.zoom.us:443/x",
        ] {
            assert!(is_zoom_host(&uri(yes)), "{yes}");
        }
        for no in [
            "http://zoom.us/x",
            "https://evilzoom.us/x",
            "https://zoom.us.example.com/x",
            "https://zoom.us@example.com/x",
            "https://zoom.us:8443/x",
            "https://cdn.example.com/zoom.us",
            "/relative",
        ] {
            assert!(!is_zoom_host(&uri(no)), "{no}");
        }
    }

    #[test]
    fn configured_origins_are_trusted_exactly() {
        let trusted = ["http://localhost:8080/v2"];
        assert!(may_carry_token(&uri("http://localhost:8080/dl/1"), trusted));
        assert!(!may_carry_token(
            &uri("http://localhost:8081/dl/1"),
            trusted
        ));
        assert!(!may_carry_token(
            &uri("https://localhost:8080/dl/1"),
            trusted
        ));
    }

    #[test]
    fn locations_resolve_against_the_answering_url() {
        let base = uri("https://zoom.us/rec/download/abc?x=1");
        assert_eq!(
            resolve(&base, "https://cdn.example.com/f").unwrap(),
            uri("https://cdn.example.com/f")
        );
        assert_eq!(
            resolve(&base, "//cdn.example.com/f").unwrap(),
            uri("https://cdn.example.com/f")
        );
        assert_eq!(
            resolve(&base, "/other?y=2").unwrap(),
            uri("https://zoom.us/other?y=2")
        );
        assert_eq!(
            resolve(&base, "file.mp4").unwrap(),
            uri("https://zoom.us/rec/download/file.mp4")
        );
        assert!(resolve(&base, "").is_none());
        assert!(resolve(&base, "ftp://x/y").is_none());
    }
}
