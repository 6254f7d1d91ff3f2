//! Percent-encoding of path segments and query strings.
//!
//! One rule for both: every byte outside RFC 3986's unreserved set
//! (`A-Z a-z 0-9 - . _ ~`) is percent-encoded as UTF-8. That keeps `/ ? # %`
//! of a value inside its own path segment or query value, and makes the
//! output independent of which reserved characters a server happens to treat
//! specially.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except RFC 3986 unreserved characters.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes `value` as exactly one path segment. `.` and `..` are encoded as
/// `%2E` / `%2E%2E` so that RFC 3986 clients and servers keep them, but WHATWG
/// URL parsers (fetch, the `url` crate) still resolve those as dot-segments:
/// the request builder rejects both values, and the empty string.
pub fn path_segment(value: &str) -> String {
    if !value.is_empty() && value.bytes().all(|b| b == b'.') && value.len() <= 2 {
        return "%2E".repeat(value.len());
    }
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// Encodes a query key or value.
pub fn query_component(value: &str) -> String {
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_reserved_characters_and_dot_segments_inside() {
        assert_eq!(path_segment("a/b?c#d%e"), "a%2Fb%3Fc%23d%25e");
        assert_eq!(path_segment(".."), "%2E%2E");
        assert_eq!(path_segment("."), "%2E");
        assert_eq!(path_segment("..."), "...");
        assert_eq!(path_segment("a.b-c_d~e"), "a.b-c_d~e");
        assert_eq!(path_segment("user@example.com"), "user%40example.com");
        assert_eq!(path_segment("é \r\n"), "%C3%A9%20%0D%0A");
    }

    #[test]
    fn query_components_encode_spaces_and_separators() {
        assert_eq!(query_component("a b&c=d+e"), "a%20b%26c%3Dd%2Be");
    }
}
