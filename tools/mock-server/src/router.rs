//! Routes `/v2/...` requests to catalog operations. Where a literal segment
//! competes with a parameter (`users/batch` vs `users/{userId}`), the
//! literal wins: among matching templates, the one whose first parameter
//! comes latest is taken.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use zoom_phone::catalog::Operation;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

#[derive(Debug)]
struct Route {
    op: &'static Operation,
    segments: Vec<Segment>,
}

#[derive(Debug)]
pub(crate) struct Router {
    routes: Vec<Route>,
}

/// A matched operation and its decoded path parameters.
#[derive(Debug)]
pub(crate) struct Matched {
    pub op: &'static Operation,
    pub params: BTreeMap<String, String>,
}

fn parse_template(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            },
        )
        .collect()
}

impl Router {
    pub(crate) fn new(ops: &'static [Operation]) -> Self {
        Self {
            routes: ops
                .iter()
                .map(|op| Route {
                    op,
                    segments: parse_template(&op.path),
                })
                .collect(),
        }
    }

    /// Finds the operation for `method` and a path relative to `/v2`.
    /// `Err(true)` when the path exists under another method.
    pub(crate) fn find(&self, method: &str, path: &str) -> Result<Matched, bool> {
        let parts: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let mut best: Option<(Vec<bool>, &Route)> = None;
        let mut other_method = false;
        for route in &self.routes {
            if route.segments.len() != parts.len() {
                continue;
            }
            let fits = route
                .segments
                .iter()
                .zip(&parts)
                .all(|(seg, part)| match seg {
                    Segment::Literal(l) => l == part,
                    Segment::Param(_) => !part.is_empty(),
                });
            if !fits {
                continue;
            }
            if !route.op.method.eq_ignore_ascii_case(method) {
                other_method = true;
                continue;
            }
            // Lexicographically smaller = literals earlier = more specific.
            let shape: Vec<bool> = route
                .segments
                .iter()
                .map(|s| matches!(s, Segment::Param(_)))
                .collect();
            if best.as_ref().is_none_or(|(b, _)| shape < *b) {
                best = Some((shape, route));
            }
        }
        let (_, route) = best.ok_or(other_method)?;
        let params = route
            .segments
            .iter()
            .zip(parts)
            .filter_map(|(seg, part)| match seg {
                Segment::Param(name) => Some((name.clone(), part)),
                Segment::Literal(_) => None,
            })
            .collect();
        Ok(Matched {
            op: route.op,
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zoom_phone::catalog::operations;

    #[test]
    fn literals_win_and_both_parameter_spellings_route() {
        let r = Router::new(operations());
        assert_eq!(
            r.find("PUT", "/phone/users/batch").unwrap().op.id,
            "updateUsersPropertiesInBatch"
        );
        let m = r.find("PATCH", "/phone/users/u%2F1").unwrap();
        assert_eq!(m.op.id, "updateUserProfile");
        assert_eq!(m.params.get("userId").map(String::as_str), Some("u/1"));
        let get = r.find("GET", "/phone/shared_line_groups/g1").unwrap();
        let patch = r.find("PATCH", "/phone/shared_line_groups/g1").unwrap();
        assert_eq!(get.params.values().next(), patch.params.values().next());
        assert_ne!(get.op.id, patch.op.id);
        assert!(
            r.find("POST", "/phone/users/u1").unwrap_err(),
            "exists for other methods"
        );
        assert!(!r.find("GET", "/phone/nothing/here/at/all").unwrap_err());
    }
}
