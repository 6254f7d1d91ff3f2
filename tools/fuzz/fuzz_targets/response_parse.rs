//! Any response to any operation: `response::parse`, the typed decoders of a
//! few representative operations, and the rate-limit headers.
//!
//! Input: `<operation id | snake name | index> <status> [now ms]`, response
//! headers, an empty line, the body (see the crate docs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoom_phone::Error;
use zoom_phone::ops;
use zoom_phone::ratelimit::RateLimitInfo;
use zoom_phone::response::{self, Body, SNIPPET_LIMIT};
use zoom_phone::typed::{Endpoint, parse_typed};
use zoom_phone_fuzz::{BoundedAlloc, exchange, operation, timestamp};

#[global_allocator]
static ALLOC: BoundedAlloc = BoundedAlloc;

fuzz_target!(|data: &[u8]| {
    let input = exchange(data);
    let op = operation(input.word(0));
    let status = input.number(1).unwrap_or(u64::from(op.success_status));
    let now = timestamp(input.number(2));
    let response = input.response(status);
    let status = response.status().as_u16();

    let info = RateLimitInfo::from_headers(response.headers());
    if let Some(retry_after) = info.retry_after {
        retry_after.resolve(now);
    }

    match response::parse(op, response.clone()) {
        Ok(output) => {
            assert!((200..400).contains(&status), "{status} parsed as a success");
            assert_eq!(output.status, status);
            assert_eq!(output.rate_limit, info);
            if let Body::Binary { bytes, .. } = &output.body {
                assert_eq!(bytes, response.body(), "a download's bytes changed");
            }
        }
        Err(Error::Api(e)) => {
            assert_eq!(e.status, status);
            check_snippet(e.snippet.as_deref());
        }
        Err(Error::Decode(e)) => check_snippet(e.snippet.as_deref()),
        Err(other) => panic!("response::parse gave neither Api nor Decode: {other:?}"),
    }
    typed(&op.id, response);
});

fn check_snippet(snippet: Option<&str>) {
    if let Some(s) = snippet {
        assert!(s.len() <= SNIPPET_LIMIT, "snippet of {} bytes", s.len());
    }
}

/// The typed path of the operations whose models are exercised: lists with
/// pagination, nested objects, an empty answer, a download and a redirect.
fn typed(id: &str, response: http::Response<Vec<u8>>) {
    macro_rules! decode {
        ($($ty:ty),* $(,)?) => {
            $(if id == <$ty as Endpoint>::OPERATION_ID {
                let _ = parse_typed::<$ty>(response);
                return;
            })*
        };
    }
    decode!(
        ops::users::ListPhoneUsers,
        ops::users::PhoneUser,
        ops::users::PhoneUserSettings,
        ops::users::UnassignCallingPlan,
        ops::call_logs::AccountCallHistory,
        ops::call_logs::GetCallPath,
        ops::recordings::PhoneDownloadRecordingFile,
        ops::recordings::PhoneDownloadRecordingTranscript,
    );
}
