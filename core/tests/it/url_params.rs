//! URL parameters: one coercion rule for path parameters (a string takes an
//! integer, an integer takes a string of digits), and the comma-separated
//! list parameters the spec describes, sent as `a,b` and accepted either way.

use serde_json::{Value, json};
use zoom_phone::catalog::{self, ParamLocation, QueryStyle, Schema};
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
fn an_integer_beyond_i64_is_named_out_of_range() {
    let (field, problem) = refused(
        "unassignCallingPlanFromRoom",
        json!({"roomId": "r1", "type": 9_223_372_036_854_775_808_u64}),
    );
    assert_eq!(field, "type");
    assert!(problem.contains("integer out of range"), "{problem}");
    assert!(!problem.ends_with("found integer"), "{problem}");
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

#[test]
fn the_spec_decides_which_list_parameters_are_comma_separated() {
    let mut comma: Vec<(String, String)> = Vec::new();
    for op in catalog::operations() {
        for p in &op.params {
            if p.style == QueryStyle::Comma {
                assert_eq!(p.location, ParamLocation::Query, "{}.{}", op.id, p.name);
                assert!(
                    matches!(p.schema, Schema::Array { .. }),
                    "{}.{}",
                    op.id,
                    p.name
                );
                comma.push((op.id.clone(), p.name.clone()));
            }
        }
    }
    comma.sort();
    let expected = [
        ("deleteUnassignedPhoneNumbers", "phone_numbers"),
        ("removeCQPolicySubSetting", "shared_ids"),
        ("removeSLGPolicySubSetting", "shared_ids"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(o, p)| ((*o).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(comma, expected);
}

#[test]
fn comma_lists_are_sent_joined_and_taken_either_way() {
    let numbers = "https://api.zoom.us/v2/phone/numbers?phone_numbers=n1,n2";
    let op = "deleteUnassignedPhoneNumbers";
    assert_eq!(url(op, json!({"phone_numbers": ["n1", "n2"]})), numbers);
    assert_eq!(url(op, json!({"phone_numbers": "n1,n2"})), numbers);
    assert_eq!(url(op, json!({"phone_numbers": "n1,,n2,"})), numbers);
    assert_eq!(
        url(op, json!({"phone_numbers": "n1"})),
        "https://api.zoom.us/v2/phone/numbers?phone_numbers=n1"
    );
    // A comma inside one item stays inside it.
    assert_eq!(
        url(op, json!({"phone_numbers": ["a,b", "c"]})),
        "https://api.zoom.us/v2/phone/numbers?phone_numbers=a%2Cb,c"
    );
    let cq = url(
        "removeCQPolicySubSetting",
        json!({"callQueueId": "q", "policyType": "voice_mail", "shared_ids": "s1,s2"}),
    );
    assert!(
        cq.ends_with("/phone/call_queues/q/policies/voice_mail?shared_ids=s1,s2"),
        "{cq}"
    );
    let slg = url(
        "removeSLGPolicySubSetting",
        json!({"slgId": "g", "policyType": "voice_mail", "shared_ids": ["s1", "s2"]}),
    );
    assert!(slg.ends_with("?shared_ids=s1,s2"), "{slg}");
    // Other list parameters keep OpenAPI's repeated keys.
    let members = url(
        "DelRoleMembers",
        json!({"roleId": "r", "user_ids": ["u1", "u2"]}),
    );
    assert!(members.ends_with("?user_ids=u1&user_ids=u2"), "{members}");
    let (field, _) = refused(op, json!({"phone_numbers": 7}));
    assert_eq!(field, "phone_numbers");
}
