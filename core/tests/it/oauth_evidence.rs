//! OAuth failures keep the token endpoint's evidence (status, tracking id,
//! the URL the request went to) in every host, and a wrong OAuth base is an
//! error that says so: refused at configuration when it is the token URL,
//! named in the error when the endpoint answers 404.

use serde_json::json;
use zoom_phone::config::{Credentials, HostConfig};
use zoom_phone::error::ErrorClass;
use zoom_phone::{Error, Secret};

use crate::sim::*;

const TOKEN_URL: &str = "https://zoom.us/oauth/token";

fn failure(config: HostConfig, token_answer: Reply) -> Error {
    let mut answer = Some(token_answer);
    let mut sim = Sim::new(session(config), move |seen| {
        assert!(seen.is_token(), "no API request before a token");
        answer.take().expect("one token request")
    });
    let err = sim.call("listCallQueues", json!({})).unwrap_err();
    assert_eq!(sim.token_requests(), 1);
    err
}

#[test]
fn a_wrong_client_secret_keeps_status_and_tracking_id() {
    let err = failure(
        config(s2s()),
        json_reply(
            401,
            &[("x-zm-trackingid", "v=2.0;clid=us05;rid=WEB_abc")],
            json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
        ),
    );
    assert_eq!(err.class(), ErrorClass::Authentication);
    assert_eq!(err.code(), "invalid_client");
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.tracking_id(), Some("v=2.0;clid=us05;rid=WEB_abc"));
    let json = err.to_json();
    assert_eq!(json["status"], 401);
    assert_eq!(json["tracking_id"], "v=2.0;clid=us05;rid=WEB_abc");
    let message = err.to_string();
    assert!(message.contains(TOKEN_URL), "{message}");
    assert!(
        message.contains("Invalid client_id or client_secret"),
        "{message}"
    );
    assert!(!message.contains("client-secret-1"), "{message}");
}

#[test]
fn a_refused_refresh_token_keeps_status_and_tracking_id() {
    let start = tokens("a0", Some("r0"), at(0));
    let err = failure(
        config(user(start)),
        json_reply(
            400,
            &[("x-zm-trackingid", "rid=refresh-1")],
            json!({"reason": "Invalid Token!", "error": "invalid_grant"}),
        ),
    );
    assert_eq!(err.class(), ErrorClass::Authentication);
    assert_eq!(err.code(), "reauthorization_required");
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.tracking_id(), Some("rid=refresh-1"));
    assert_eq!(err.to_json()["tracking_id"], "rid=refresh-1");
}

#[test]
fn a_token_endpoint_that_is_not_there_names_the_url_it_tried() {
    let mut c = config(s2s());
    c.oauth_base = "https://proxy.example.com/zoom/oauth".into();
    let err = failure(
        c,
        reply(
            404,
            &[
                ("content-type", "text/html"),
                ("x-zm-trackingid", "rid-404"),
            ],
            b"<html>Not Found</html>",
        ),
    );
    assert_eq!(err.code(), "not_an_oauth_endpoint");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.tracking_id(), Some("rid-404"));
    let message = err.to_string();
    assert!(
        message.contains("https://proxy.example.com/zoom/oauth/oauth/token"),
        "{message}"
    );
    assert!(message.contains("root URL"), "{message}");
}

#[test]
fn an_oauth_base_that_is_the_token_url_is_a_config_error() {
    for base in [
        "https://zoom.us/oauth/token",
        "https://zoom.us/oauth/token/",
        "http://127.0.0.1:8080/OAuth/Token",
    ] {
        let err = HostConfig::from_json(&json!({
            "account_id": "a", "client_id": "c", "client_secret": "s", "oauth_base": base,
        }))
        .unwrap_err();
        assert_eq!(err.field, "oauth_base", "{base}");
        assert!(err.problem.contains("root URL"), "{base}: {}", err.problem);
        let shown = base.trim_end_matches('/');
        assert!(err.problem.contains(shown), "{base}: {}", err.problem);
        let err = Error::from(err);
        assert_eq!(err.class(), ErrorClass::Build);
        assert_eq!(err.code(), "invalid_config");
    }
    for base in [
        "https://zoom.us",
        "https://zoom.us/",
        "http://127.0.0.1:8080/mock",
    ] {
        let mut c = HostConfig::new(Credentials::ServerToServer {
            account_id: "a".into(),
            client_id: "c".into(),
            client_secret: Secret::new("s"),
        });
        c.oauth_base = base.trim_end_matches('/').into();
        assert!(c.validate().is_ok(), "{base}");
    }
}
