//! URL parameters: one coercion rule for path parameters (a string takes an
//! integer, an integer takes a string of digits).

use serde_json::{Value, json};
use zoom_phone::request::{self, BuildError, RequestConfig};

fn url(op: &str, params: Value) -> String {
    request::build(op, &params, &RequestConfig::default())
        .unwrap_or_else(|e| panic!("{op} {params}: {e}"))
        .uri()
        .to_string()
}

fn refused(op: &str, params: Value) -> (String, String) {
    match request::build(op, &params, &RequestConfig::default()) {
        Err(zoom_phone::Error::Build(BuildError::InvalidParameter { field, problem, .. })) => {
            (field, problem)
        }
        other => panic!("{op} {params}: expected an invalid parameter, got {other:?}"),
    }
}

const ROOM_PLAN: &str = "https://api.zoom.us/v2/phone/rooms/r1/calling_plans/200";

#[test]
fn an_integer_path_parameter_takes_an_integer_or_a_string_of_digits() {
    let op = "unassignCallingPlanFromRoom";
    assert_eq!(url(op, json!({"roomId": "r1", "type": 200})), ROOM_PLAN);
    assert_eq!(url(op, json!({"roomId": "r1", "type": "200"})), ROOM_PLAN);
    // A JavaScript number arrives as a float: the same text.
    assert_eq!(url(op, json!({"roomId": "r1", "type": 200.0})), ROOM_PLAN);
    assert_eq!(url(op, json!({"roomId": "r1", "type": "0200"})), ROOM_PLAN);
    for bad in [
        json!("two hundred"),
        json!("2.5"),
        json!(" 200"),
        json!("+200"),
        json!(""),
        json!("99999999999999999999"),
        json!(2.5),
        json!(true),
        json!([200]),
    ] {
        let (field, problem) = refused(op, json!({"roomId": "r1", "type": bad}));
        assert_eq!(field, "type", "{bad}");
        assert!(problem.contains("expected integer"), "{bad}: {problem}");
    }
}

#[test]
fn a_string_path_parameter_takes_a_string_or_an_integer() {
    let op = "getACallQueue";
    let base = "https://api.zoom.us/v2/phone/call_queues/";
    assert_eq!(url(op, json!({"callQueueId": "42"})), format!("{base}42"));
    assert_eq!(url(op, json!({"callQueueId": 42})), format!("{base}42"));
    assert_eq!(url(op, json!({"callQueueId": 42.0})), format!("{base}42"));
    assert_eq!(url(op, json!({"callQueueId": -7})), format!("{base}-7"));
    // Percent-encoding stays.
    assert_eq!(
        url(op, json!({"callQueueId": "a/b c"})),
        format!("{base}a%2Fb%20c")
    );
    for bad in [json!(1.5), json!(true), json!({"id": 1}), json!(["a"])] {
        let (field, problem) = refused(op, json!({"callQueueId": bad}));
        assert_eq!(field, "callQueueId", "{bad}");
        assert!(problem.contains("expected string"), "{bad}: {problem}");
    }
}
