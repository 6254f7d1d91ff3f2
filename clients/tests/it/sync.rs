//! Incremental sync (issue 16 item 5) in both clients against the mock's
//! stateful sync logs: a first run does the full sync, the backfill and the
//! changes until caught up; a run resumed from its checkpoint (saved as
//! JSON) gets exactly the records added since (`POST /_admin/sync`).

use std::collections::BTreeSet;

use serde_json::{Value, json};
use zoom_phone_client::{SyncBatch, SyncCheckpoint, SyncPhase};

use crate::client_support::{ACCOUNT, CLIENT_ID, CLIENT_SECRET, start};

/// What the mock's sync logs hold before any `/_admin/sync`.
const INITIAL: usize = 120;

/// The record ids of a run's batches, the phases in order, and the last
/// checkpoint as a loader would have saved it (through JSON).
#[derive(Default)]
struct Run {
    ids: Vec<String>,
    phases: Vec<SyncPhase>,
    checkpoint: Option<SyncCheckpoint>,
}

impl Run {
    fn take(&mut self, batch: SyncBatch) {
        if self.phases.last() != Some(&batch.phase) {
            self.phases.push(batch.phase);
        }
        assert_eq!(batch.page.status, 200);
        let ids: Vec<String> = batch.items().map(|r| r["id"].to_string()).collect();
        assert_eq!(ids.len(), batch.records);
        self.ids.extend(ids);
        let saved = batch.checkpoint.to_json().to_string();
        let saved: Value = serde_json::from_str(&saved).unwrap();
        self.checkpoint = Some(SyncCheckpoint::from_json(&saved).unwrap());
    }
}

fn unique(ids: &[String]) -> usize {
    ids.iter().collect::<BTreeSet<_>>().len()
}

#[cfg(feature = "async")]
mod async_client {
    use futures_util::StreamExt;
    use zoom_phone_client::{Error, ZoomPhone};
    use zoom_phone_mock::MockServer;

    use super::*;
    use crate::client_support::Admin;

    fn sync_types(server: &MockServer) -> Vec<String> {
        server
            .request_log()
            .iter()
            .filter(|r| r.path.starts_with("/v2/"))
            .filter_map(|r| {
                url_query(r.query.as_deref().unwrap_or(""))
                    .into_iter()
                    .find(|(k, _)| k == "sync_type")
                    .map(|(_, v)| v)
            })
            .collect()
    }

    fn url_query(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn client(server: &MockServer) -> ZoomPhone {
        ZoomPhone::builder()
            .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
            .oauth_base(server.url())
            .base_url(server.api_url())
            .build()
            .expect("client builds")
    }

    async fn run(mut sync: zoom_phone_client::SyncRun) -> Run {
        let mut run = Run::default();
        while let Some(batch) = sync.next().await {
            run.take(batch.expect("a batch"));
            assert_eq!(sync.checkpoint(), run.checkpoint.as_ref());
        }
        run
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_resumed_sync_gets_exactly_what_was_added() {
        let server = start().await;
        let admin = Admin::new(&server);
        let zp = client(&server);
        let params = json!({"userId": "u1", "count": 50});

        let first = run(zp.sync("syncUserCallLogs", params.clone())).await;
        assert_eq!(
            first.phases,
            [SyncPhase::Full, SyncPhase::Backward, SyncPhase::Incremental]
        );
        assert_eq!((first.ids.len(), unique(&first.ids)), (INITIAL, INITIAL));
        let saved = first.checkpoint.clone().expect("a checkpoint");
        assert!(saved.backfilled && saved.forward.is_some());

        admin.call("POST", "sync", json!({"records": 7})).await;
        let before = sync_types(&server).len();
        let second = run(zp.sync("syncUserCallLogs", params.clone()).resume(saved)).await;
        assert_eq!(second.phases, [SyncPhase::Incremental]);
        assert_eq!(second.ids.len(), 7);
        assert!(second.ids.iter().all(|id| !first.ids.contains(id)));
        assert_eq!(
            sync_types(&server)[before..],
            ["ISync"],
            "only what changed was asked for"
        );

        // Caught up: nothing more from the newest checkpoint.
        let third = run(zp
            .sync("syncUserCallLogs", params)
            .resume(second.checkpoint.expect("a checkpoint")))
        .await;
        assert!(third.ids.is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sync_names_what_cannot_be_synced() {
        let server = start().await;
        let zp = client(&server);
        let mut listing = zp.sync("listPhoneUsers", json!({}));
        let e = listing.next().await.expect("the error").unwrap_err();
        assert!(matches!(&e, Error::Build(_)), "{e}");
        assert!(e.to_string().contains("incremental-sync"), "{e}");
        assert!(listing.next().await.is_none(), "an error ends the sync");
        let mut own = zp.sync(
            "syncUserCallLogs",
            json!({"userId": "u1", "sync_token": "x"}),
        );
        let e = own.next().await.expect("the error").unwrap_err();
        assert!(e.to_string().contains("sync_token"), "{e}");
    }
}

#[cfg(feature = "blocking")]
mod blocking_client {
    use tokio::runtime::Runtime;
    use zoom_phone_client::blocking::{SyncRun, ZoomPhone};

    use super::*;

    fn run(sync: SyncRun) -> Run {
        let mut run = Run::default();
        for batch in sync {
            run.take(batch.expect("a batch"));
        }
        run
    }

    #[test]
    fn a_stopped_sync_resumes_from_its_last_batch_without_a_gap() {
        let rt = Runtime::new().expect("a runtime for the mock");
        let server = rt.block_on(start());
        let zp = ZoomPhone::builder()
            .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
            .oauth_base(server.url())
            .base_url(server.api_url())
            .build()
            .expect("client builds");
        let params = json!({"sessionId": "s1", "count": 40});
        let mut first = Run::default();
        let mut sync = zp.sync("smsSessionSync", params.clone());
        for batch in sync.by_ref() {
            let batch = batch.expect("a batch");
            let backward = batch.phase == SyncPhase::Backward;
            first.take(batch);
            if backward {
                break;
            }
        }
        assert_eq!(sync.checkpoint(), first.checkpoint.as_ref());
        let rest = run(zp
            .sync("smsSessionSync", params)
            .resume(first.checkpoint.clone().expect("a checkpoint")));
        let all: Vec<String> = first.ids.iter().chain(&rest.ids).cloned().collect();
        assert_eq!(
            (all.len(), unique(&all)),
            (INITIAL, INITIAL),
            "no gap, no repeat"
        );
        drop(rt);
    }
}
