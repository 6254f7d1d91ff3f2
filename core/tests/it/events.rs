//! Every webhook example of Zoom's spec parses into its typed event.

use serde_json::{Value, json};
use zoom_phone::webhook::{Event, WebhookError, parse_event};

/// `(event name, example body)` for every event of the webhooks document.
fn examples() -> Vec<(String, String)> {
    let path = crate::raw_spec::spec_dir().join("phone-webhooks.openapi.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set ZOOM_SPEC_DIR)", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_default();
    let hooks = doc["webhooks"].as_object().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (name, hook) in hooks {
        let examples = &hook["post"]["requestBody"]["content"]["application/json"]["examples"];
        for example in examples.as_object().into_iter().flat_map(|m| m.values()) {
            // Zoom stores each example as a JSON string.
            let body = match &example["value"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push((name.clone(), body));
        }
    }
    out
}

#[test]
fn every_spec_example_parses_into_its_typed_variant() {
    let examples = examples();
    assert_eq!(examples.len(), 71);
    let mut names: Vec<&str> = examples.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, Event::NAMES);
    for (name, body) in &examples {
        let event = parse_event(body.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !matches!(event, Event::Unknown { .. }),
            "{name} parsed as Unknown"
        );
        let raw: Value = serde_json::from_str(body).unwrap_or_default();
        assert_eq!(event.name(), name);
        assert_eq!(event.event_ts(), raw["event_ts"].as_i64(), "{name}");
        assert_eq!(
            event.account_id(),
            raw["payload"]["account_id"].as_str(),
            "{name}"
        );
    }
}

#[test]
fn nested_payload_fields_are_typed() {
    let body = json!({
        "event": "phone.callee_ringing",
        "event_ts": 1_629_407_561_742_i64,
        "payload": {
            "account_id": "acc1",
            "object": {
                "call_id": "6998252113337041462",
                "caller": {"phone_number": "+12092592844", "connection_type": "voip"},
                "callee": {"extension_number": 1002, "phone_number": "+1205", "user_id": "u1"},
                "ringing_start_time": "2021-08-19T21:12:28Z",
                "a_field_zoom_adds_later": {"x": 1}
            }
        }
    });
    let event = parse_event(body.to_string().as_bytes());
    let Ok(Event::CalleeRinging(e)) = event else {
        panic!("expected CalleeRinging, got {event:?}");
    };
    assert_eq!(e.event_ts, 1_629_407_561_742);
    assert_eq!(e.payload.account_id, "acc1");
    let object = &e.payload.object;
    assert_eq!(object.call_id, "6998252113337041462");
    assert_eq!(object.caller.phone_number.as_deref(), Some("+12092592844"));
    assert_eq!(object.callee.extension_number, Some(1002));
}

#[test]
fn unknown_enum_values_are_kept() {
    let body = json!({
        "event": "phone.callee_ringing",
        "event_ts": 1,
        "payload": {"account_id": "a", "object": {
            "call_id": "c",
            "caller": {"connection_type": "carrier_pigeon"},
            "callee": {"connection_type": "voip", "phone_number": "+1"},
            "ringing_start_time": "2021-08-19T21:12:28Z"
        }}
    });
    let Ok(Event::CalleeRinging(e)) = parse_event(body.to_string().as_bytes()) else {
        panic!("expected CalleeRinging");
    };
    let caller = e
        .payload
        .object
        .caller
        .connection_type
        .as_ref()
        .map(|c| c.as_str());
    assert_eq!(caller, Some("carrier_pigeon"));
    assert!(matches!(
        e.payload.object.caller.connection_type,
        Some(zoom_phone::events::CalleeAnsweredObjectCalleeConnectionType::Unknown(_))
    ));
}

#[test]
fn an_unknown_event_keeps_its_name_and_body() {
    let body = json!({
        "event": "phone.something_new",
        "event_ts": 1_700_000_000_000_i64,
        "payload": {"account_id": "acc", "object": {"k": [1, 2]}}
    });
    let event = parse_event(body.to_string().as_bytes());
    let Ok(Event::Unknown { event: name, raw }) = &event else {
        panic!("expected Unknown, got {event:?}");
    };
    assert_eq!(name, "phone.something_new");
    assert_eq!(raw, &body);
    let event = event.ok();
    assert_eq!(event.as_ref().map(Event::name), Some("phone.something_new"));
    assert_eq!(
        event.as_ref().and_then(Event::event_ts),
        Some(1_700_000_000_000)
    );
    assert_eq!(event.as_ref().and_then(Event::account_id), Some("acc"));
}

#[test]
fn malformed_bodies_give_a_typed_error() {
    for body in [&b"not json"[..], b"{\"payload\": {}}", b"[1,2]", b""] {
        let err = parse_event(body);
        assert!(
            matches!(err, Err(WebhookError::MalformedBody { .. })),
            "{:?} -> {err:?}",
            String::from_utf8_lossy(body)
        );
    }
}

/// Found by the `webhook` fuzz target (tools/fuzz): serde reads a struct from
/// a JSON array too, so `["e"]` parsed as an unknown event named `e`, and an
/// array in a known event's field order as that event.
#[test]
fn a_json_array_is_not_an_event_body() {
    for body in [
        &br#"["e" ]"#[..],
        br#" ["phone.sms_received"]"#,
        br#"["phone.callee_ringing", 1767225600000, {"account_id": "a", "object": {}}]"#,
    ] {
        let err = parse_event(body);
        assert!(
            matches!(err, Err(WebhookError::MalformedBody { .. })),
            "{:?} -> {err:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn a_known_event_with_a_mistyped_field_names_the_path() {
    let body = json!({
        "event": "phone.callee_ringing",
        "event_ts": 1,
        "payload": {"account_id": "a", "object": {
            "call_id": "c",
            "caller": {},
            "callee": {"extension_number": "not a number", "phone_number": "+1"},
            "ringing_start_time": "t"
        }}
    });
    match parse_event(body.to_string().as_bytes()) {
        Err(WebhookError::MalformedBody { problem }) => {
            assert!(
                problem.contains("payload.object.callee.extension_number"),
                "{problem}"
            );
        }
        other => panic!("expected MalformedBody, got {other:?}"),
    }
}
