//! The incremental-sync operations, driven by the core's `Syncer`: a full
//! sync (newest records, then backward to the first), changes added
//! between syncs, and an incremental sync that brings exactly those.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use zoom_phone::sync::{SyncPhase, Syncer};

use crate::support::{Http, start, token};

/// Runs `syncer` until caught up; returns the record ids per phase.
async fn drain(
    http: &Http,
    base: &str,
    token: &str,
    syncer: &mut Syncer,
) -> Vec<(SyncPhase, Vec<String>)> {
    let mut batches = Vec::new();
    while let Some((params, phase)) = syncer.next_params() {
        let query: Vec<String> = params
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.as_str() != "userId")
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect();
        let url = format!(
            "{base}/v2/phone/users/u1/call_logs/sync?{}",
            query.join("&")
        );
        let r = http.get(&url, token).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let page: Value = r.json();
        let ids: Vec<String> = page["call_logs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(syncer.receive(&page), phase);
        batches.push((phase, ids));
        assert!(batches.len() < 100, "the sync does not end");
    }
    batches
}

#[tokio::test]
async fn a_full_sync_then_the_changes_since_it() {
    let server = start().await;
    let http = Http::new();
    let tok = token(&http, &server).await;
    let op = zoom_phone::operation("syncUserCallLogs").unwrap();
    let mut syncer = Syncer::new(op, json!({"userId": "u1", "count": 50})).unwrap();
    let first = drain(&http, &server.url(), &tok, &mut syncer).await;
    let phases: Vec<SyncPhase> = first.iter().map(|b| b.0).collect();
    assert_eq!(phases[0], SyncPhase::Full);
    assert!(phases.contains(&SyncPhase::Backward));
    let seen: Vec<&String> = first.iter().flat_map(|b| &b.1).collect();
    let distinct: BTreeSet<&String> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), 120, "every record once");
    assert_eq!(seen.len(), 120, "none twice");
    assert!(syncer.checkpoint().backfilled);

    // Changes between syncs, then a later run from the saved checkpoint.
    let added = http
        .admin(&server, "POST", "sync", &json!({"records": 7}))
        .await;
    assert_eq!(added.status, 200);
    let saved = syncer.checkpoint().clone();
    let mut later = Syncer::new(op, json!({"userId": "u1", "count": 50}))
        .unwrap()
        .resume(saved);
    let second = drain(&http, &server.url(), &tok, &mut later).await;
    assert!(second.iter().all(|b| b.0 == SyncPhase::Incremental));
    let new: Vec<&String> = second.iter().flat_map(|b| &b.1).collect();
    assert_eq!(new.len(), 7);
    assert!(new.iter().all(|id| !distinct.contains(id)));

    // Nothing changed: nothing comes.
    let mut again = Syncer::new(op, json!({"userId": "u1", "count": 50}))
        .unwrap()
        .resume(later.checkpoint().clone());
    let third = drain(&http, &server.url(), &tok, &mut again).await;
    assert_eq!(third.iter().map(|b| b.1.len()).sum::<usize>(), 0);
}

#[tokio::test]
async fn a_bad_sync_token_is_zooms_400() {
    let server = start().await;
    let http = Http::new();
    let tok = token(&http, &server).await;
    let url = format!(
        "{}/v2/phone/users/u1/call_logs/sync?sync_type=ISync&sync_token=garbage",
        server.url()
    );
    let r = http.get(&url, &tok).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], 300);
}
