//! Compares the hosts' verdicts: every host must reach the same verdict on
//! every operation, every rejected operation must be in the exceptions table
//! of docs/conformance.md, every operation in the table must still be
//! rejected, and the totals written in the document must be the measured ones.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

pub const HOSTS: [&str; 3] = ["rust", "node", "python"];
const BEGIN: &str = "<!-- exceptions:begin -->";
const END: &str = "<!-- exceptions:end -->";

/// One host's verdict on one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub accepted: bool,
    pub status: Option<u64>,
    pub violations: Vec<String>,
    pub response_parsed: Option<bool>,
}

pub fn run(dir: &Path, doc: &Path) -> Result<(), String> {
    let operations: Vec<String> = crate::read_json(&dir.join("examples.json"))?
        .as_object()
        .ok_or("examples.json: not an object")?
        .keys()
        .cloned()
        .collect();
    let mut hosts = BTreeMap::new();
    for host in HOSTS {
        let results = crate::read_json(&dir.join(format!("{host}.json")))?;
        hosts.insert(host, verdicts(host, &results)?);
    }
    let text = std::fs::read_to_string(doc).map_err(|e| format!("{}: {e}", doc.display()))?;
    let table = exceptions(&text)?;
    let report = compare(&operations, &hosts, &table, &text);
    for line in &report.summary {
        println!("{line}");
    }
    if report.problems.is_empty() {
        println!("conformance: passed");
        Ok(())
    } else {
        for p in &report.problems {
            eprintln!("  - {p}");
        }
        Err(format!("{} problem(s)", report.problems.len()))
    }
}

/// The `operations` object of one host's results.
pub fn verdicts(host: &str, results: &Value) -> Result<BTreeMap<String, Verdict>, String> {
    let ops = results["operations"]
        .as_object()
        .ok_or(format!("{host}.json: no `operations` object"))?;
    Ok(ops
        .iter()
        .map(|(id, v)| {
            let verdict = Verdict {
                accepted: v["accepted"] == true,
                status: v["status"].as_u64(),
                violations: v["violations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect(),
                response_parsed: v["response_parsed"].as_bool(),
            };
            (id.clone(), verdict)
        })
        .collect())
}

/// The operation ids in the first column of the exceptions table (between
/// the two markers), written `` `opId` ``.
pub fn exceptions(doc: &str) -> Result<BTreeSet<String>, String> {
    let start = doc.find(BEGIN).ok_or(format!("no {BEGIN} marker"))? + BEGIN.len();
    let end = doc[start..].find(END).ok_or(format!("no {END} marker"))? + start;
    let mut ids = BTreeSet::new();
    for line in doc[start..end].lines().map(str::trim) {
        let Some(row) = line.strip_prefix('|') else {
            continue;
        };
        let cell = row.split('|').next().unwrap_or("").trim();
        let Some(id) = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')) else {
            continue; // the header and separator rows
        };
        if !ids.insert(id.to_owned()) {
            return Err(format!("exceptions table lists `{id}` twice"));
        }
    }
    Ok(ids)
}

#[derive(Debug, Default)]
pub struct Report {
    pub summary: Vec<String>,
    pub problems: Vec<String>,
}

pub fn compare(
    operations: &[String],
    hosts: &BTreeMap<&str, BTreeMap<String, Verdict>>,
    table: &BTreeSet<String>,
    doc: &str,
) -> Report {
    let mut report = Report::default();
    let total = operations.len();
    for (host, verdicts) in hosts {
        let accepted = operations
            .iter()
            .filter(|id| verdicts.get(*id).is_some_and(|v| v.accepted))
            .count();
        let parsed = verdicts
            .values()
            .filter(|v| v.response_parsed == Some(true))
            .count();
        report.summary.push(format!(
            "{host}: accepted {accepted} of {total}; our parser took {parsed} of {accepted} Prism answers"
        ));
        let claim = format!("| {host} | {accepted} of {total} |");
        if !doc.contains(&claim) {
            report.problems.push(format!(
                "docs/conformance.md does not say `{claim}` (update its totals)"
            ));
        }
        for id in operations {
            if !verdicts.contains_key(id) {
                report.problems.push(format!("{host}: no verdict for {id}"));
            }
        }
    }
    for id in operations {
        let per_host: Vec<(&str, &Verdict)> = hosts
            .iter()
            .filter_map(|(h, v)| v.get(id).map(|v| (*h, v)))
            .collect();
        let Some((first_host, first)) = per_host.first() else {
            continue;
        };
        for (host, v) in &per_host[1..] {
            if (v.accepted, v.status) != (first.accepted, first.status) {
                report.problems.push(format!(
                    "parity: {id}: {first_host} got {:?} (accepted {}), {host} got {:?} (accepted {})",
                    first.status, first.accepted, v.status, v.accepted
                ));
            }
        }
        let rejected = per_host.iter().any(|(_, v)| !v.accepted);
        if rejected && !table.contains(id) {
            report.problems.push(format!(
                "{id} rejected ({:?}: {}) but not in the exceptions table",
                first.status,
                first.violations.join("; ")
            ));
        }
        if !rejected && table.contains(id) {
            report.problems.push(format!(
                "{id} is accepted now: remove it from the exceptions table"
            ));
        }
    }
    for id in table {
        if !operations.contains(id) {
            report
                .problems
                .push(format!("exceptions table lists unknown operation {id}"));
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(accepted: bool, status: u64) -> Verdict {
        Verdict {
            accepted,
            status: Some(status),
            violations: vec!["request.body: bad".into()],
            response_parsed: accepted.then_some(true),
        }
    }

    const DOC: &str = "intro `notAnOp`\n<!-- exceptions:begin -->\n| operation | objection | why |\n|---|---|---|\n| `b` | body | quirk |\n<!-- exceptions:end -->\n| rust | 1 of 2 |\n| node | 1 of 2 |\n";

    fn hosts(b_node: Verdict) -> BTreeMap<&'static str, BTreeMap<String, Verdict>> {
        let mut out = BTreeMap::new();
        for host in ["rust", "node"] {
            let b = if host == "node" {
                b_node.clone()
            } else {
                verdict(false, 422)
            };
            out.insert(
                host,
                BTreeMap::from([("a".to_owned(), verdict(true, 200)), ("b".to_owned(), b)]),
            );
        }
        out
    }

    fn ops() -> Vec<String> {
        vec!["a".into(), "b".into()]
    }

    #[test]
    fn the_table_is_read_between_the_markers_only() {
        assert_eq!(exceptions(DOC).unwrap(), BTreeSet::from(["b".to_owned()]));
        assert!(exceptions("no markers").is_err());
        let twice = DOC.replace("| `b` | body | quirk |", "| `b` | x | y |\n| `b` | x | y |");
        assert!(exceptions(&twice).unwrap_err().contains("twice"));
    }

    #[test]
    fn agreeing_hosts_and_a_listed_rejection_pass() {
        let r = compare(
            &ops(),
            &hosts(verdict(false, 422)),
            &exceptions(DOC).unwrap(),
            DOC,
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(
            r.summary[0],
            "node: accepted 1 of 2; our parser took 1 of 1 Prism answers"
        );
    }

    #[test]
    fn a_host_that_disagrees_fails_parity() {
        let r = compare(
            &ops(),
            &hosts(verdict(false, 400)),
            &exceptions(DOC).unwrap(),
            DOC,
        );
        assert!(
            r.problems.iter().any(|p| p.starts_with("parity: b")),
            "{:?}",
            r.problems
        );
    }

    #[test]
    fn an_unlisted_rejection_and_a_stale_entry_fail() {
        let r = compare(&ops(), &hosts(verdict(false, 422)), &BTreeSet::new(), DOC);
        assert!(
            r.problems.iter().any(|p| p.contains("b rejected")),
            "{:?}",
            r.problems
        );
        let mut all_ok = hosts(verdict(true, 200));
        all_ok
            .get_mut("rust")
            .unwrap()
            .insert("b".into(), verdict(true, 200));
        let doc = DOC.replace("1 of 2", "2 of 2");
        let r = compare(&ops(), &all_ok, &exceptions(&doc).unwrap(), &doc);
        assert_eq!(
            r.problems,
            ["b is accepted now: remove it from the exceptions table"]
        );
    }

    #[test]
    fn stale_totals_in_the_document_fail() {
        let doc = DOC.replace("| node | 1 of 2 |", "| node | 2 of 2 |");
        let r = compare(
            &ops(),
            &hosts(verdict(false, 422)),
            &exceptions(&doc).unwrap(),
            &doc,
        );
        assert!(
            r.problems.iter().any(|p| p.contains("| node | 1 of 2 |")),
            "{:?}",
            r.problems
        );
    }
}
