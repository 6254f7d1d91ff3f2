//! Pages as data: the next call's parameters from this call's answer, the
//! items of a page, a [`Pager`] that stops after N items and knows Zoom's
//! 15-minute token lifetime, and a splitter for long `from`/`to` ranges.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::catalog::{Operation, Pagination};
use crate::date::Date;
use crate::error::Error;
use crate::time::Timestamp;

/// How long Zoom honours a `next_page_token`.
pub const PAGE_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);

/// Zoom's answer to an expired (or unknown) page token: HTTP 400 with this
/// message, under Zoom code 300 on some operations and 400 on others (both
/// appear in the Phone spec's error tables).
pub const EXPIRED_TOKEN_MESSAGE: &str = "The next page token is invalid or expired";
pub const EXPIRED_TOKEN_STATUS: u16 = 400;
pub const EXPIRED_TOKEN_CODES: [i64; 2] = [300, 400];

/// Whether an error answer is Zoom rejecting a page token. Matches the
/// message loosely (case, trailing period) since Zoom's punctuation varies.
pub fn is_expired_token_error(status: u16, zoom_code: Option<i64>, message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    status == EXPIRED_TOKEN_STATUS
        && zoom_code.is_none_or(|c| EXPIRED_TOKEN_CODES.contains(&c))
        && m.contains("next page token")
        && (m.contains("expired") || m.contains("invalid"))
}

/// The token a response carries for the next page, if any (an empty string
/// ends the list, as does a missing or non-string field).
pub fn next_token<'a>(op: &Operation, body: &'a Value) -> Option<&'a str> {
    token_of(op.pagination.as_ref()?, body)
}

fn token_of<'a>(p: &Pagination, body: &'a Value) -> Option<&'a str> {
    body.get(&p.token_field)
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
}

/// The next call's parameters: `params` with the page token set (any
/// `page_size` and filters kept), or `None` when this was the last page.
/// Works as well for operations whose pagination Zoom does not declare: the
/// token goes into the query under the same name either way. `None` too when
/// `params` is neither an object nor null (there is nothing to extend).
pub fn next_params(op: &Operation, params: &Value, body: &Value) -> Option<Value> {
    let p = op.pagination.as_ref()?;
    with_token(p, params, token_of(p, body)?)
}

fn with_token(p: &Pagination, params: &Value, token: &str) -> Option<Value> {
    let mut map = match params {
        Value::Object(m) => m.clone(),
        Value::Null => Map::new(),
        _ => return None,
    };
    map.insert(p.token_param.clone(), Value::String(token.to_owned()));
    Some(Value::Object(map))
}

/// The items of one page (empty when the field is absent or not an array).
/// Where the catalog names no items field, the page's only array field is taken.
pub fn items<'a>(op: &Operation, body: &'a Value) -> &'a [Value] {
    op.pagination.as_ref().map_or(&[], |p| items_of(p, body))
}

fn items_of<'a>(p: &Pagination, body: &'a Value) -> &'a [Value] {
    let found = match &p.items_field {
        Some(field) => body.get(field).and_then(Value::as_array),
        None => {
            let mut arrays = body
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
                .filter_map(Value::as_array);
            match (arrays.next(), arrays.next()) {
                (Some(a), None) => Some(a),
                _ => None,
            }
        }
    };
    found.map_or(&[], Vec::as_slice)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    value: String,
    /// When Zoom issued it; unknown for a token resumed without that.
    issued_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// The first page is still to be asked for.
    First,
    /// A page was asked for (`params` of that call kept for the next one).
    Awaiting,
    /// The next page is to be asked for with this token.
    Next(Token),
    Done,
}

/// Where to continue a listing later: the token of the page to fetch
/// (`None`: the first page) and how many of that page's items were already
/// handed out. Valid while Zoom keeps the token (15 minutes from
/// `issued_at`). Bindings pass it as JSON ([`ResumePoint::to_json`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResumePoint {
    pub token: Option<String>,
    pub issued_at: Option<Timestamp>,
    /// Items of that page to skip.
    pub skip: u64,
}

impl ResumePoint {
    /// `{"token", "issued_at_ms", "skip"}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "token": self.token,
            "issued_at_ms": self.issued_at.map(Timestamp::as_millis),
            "skip": self.skip,
        })
    }

    /// Reads [`ResumePoint::to_json`]'s shape (camelCase keys too).
    pub fn from_json(value: &Value) -> Result<ResumePoint, Error> {
        let bad = |problem: &str| {
            Error::from(crate::config::ConfigError::new(
                "resume",
                problem.to_owned(),
            ))
        };
        let Value::Object(map) = value else {
            return Err(bad("must be an object {token, issued_at_ms, skip}"));
        };
        let get = |snake: &str, camel: &str| map.get(snake).or_else(|| map.get(camel));
        let token = match get("token", "token") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(_) => return Err(bad("token must be a non-empty string or null")),
        };
        let number = |v: Option<&Value>, what: &str| match v {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| bad(&format!("{what} must be a whole number"))),
        };
        Ok(ResumePoint {
            token,
            issued_at: number(get("issued_at_ms", "issuedAtMs"), "issued_at_ms")?
                .map(Timestamp::from_millis),
            skip: number(get("skip", "skip"), "skip")?.unwrap_or(0),
        })
    }
}

/// Walks the pages of one listing.
///
/// ```text
/// loop { let Some(params) = pager.next_params(now)? else { break };
///        /* send, parse the page */
///        let range = pager.accept_page(token_of_page, items_of_page.len(), now);
///        hand out items_of_page[range] }
/// ```
#[derive(Debug, Clone)]
pub struct Pager {
    pagination: Option<Pagination>,
    params: Value,
    limit: Option<u64>,
    yielded: u64,
    pages: u64,
    state: State,
    /// The token the page being received (or last received) was fetched with.
    current: Option<Token>,
    /// Items of the next page to leave out (a resume into a page).
    skip: u64,
    /// The last accepted page: items left out at its front, handed out, in all.
    page_start: u64,
    page_take: u64,
    page_items: u64,
    /// The next page's token when the limit ended the listing.
    after: Option<Token>,
}

impl Pager {
    /// A pager over `op` with the first call's `params`. An operation without
    /// pagination yields exactly one page.
    pub fn new(op: &Operation, params: Value) -> Self {
        Pager {
            pagination: op.pagination.clone(),
            params,
            limit: None,
            yielded: 0,
            pages: 0,
            state: State::First,
            current: None,
            skip: 0,
            page_start: 0,
            page_take: 0,
            page_items: 0,
            after: None,
        }
    }

    /// Stop after `n` items, even in the middle of a page.
    #[must_use]
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        if n == 0 {
            self.state = State::Done;
        }
        self
    }

    /// Continue a listing from a token saved earlier ([`Pager::token`]),
    /// with when it was issued if known (for the up-front expiry check).
    #[must_use]
    pub fn resume(self, token: impl Into<String>, issued_at: Option<Timestamp>) -> Self {
        self.resume_at(ResumePoint {
            token: Some(token.into()),
            issued_at,
            skip: 0,
        })
    }

    /// Continue a listing from a [`ResumePoint`] saved earlier.
    #[must_use]
    pub fn resume_at(mut self, point: ResumePoint) -> Self {
        self.skip = point.skip;
        match point.token {
            Some(value) if self.pagination.is_some() && self.state != State::Done => {
                self.state = State::Next(Token {
                    value,
                    issued_at: point.issued_at,
                });
            }
            _ => {}
        }
        self
    }

    /// The token the next call will use, to save and [`Pager::resume`] later.
    pub fn token(&self) -> Option<(&str, Option<Timestamp>)> {
        match &self.state {
            State::Next(t) => Some((t.value.as_str(), t.issued_at)),
            _ => None,
        }
    }

    /// Where to resume later, when `handed_out` items of the last page's
    /// range ([`Pager::accept_page`]) reached the caller (hosts buffer a
    /// page): inside that page (its own token and how far in), else the
    /// next page. Works after a [`Pager::limit`] too. `None` when nothing is
    /// left.
    pub fn resume_point(&self, handed_out: u64) -> Option<ResumePoint> {
        let at = |token: Option<&Token>, skip: u64| ResumePoint {
            token: token.map(|t| t.value.clone()),
            issued_at: token.and_then(|t| t.issued_at),
            skip,
        };
        match &self.state {
            State::First => return Some(at(None, self.skip)),
            // The previous page is used up (the next one is only asked for
            // then): resume with the page in flight.
            State::Awaiting => return Some(at(self.current.as_ref(), self.skip)),
            State::Next(_) | State::Done => {}
        }
        if handed_out < self.page_take {
            return Some(at(self.current.as_ref(), self.page_start + handed_out));
        }
        if self.page_start + self.page_take < self.page_items {
            return Some(at(self.current.as_ref(), self.page_start + self.page_take));
        }
        match &self.state {
            State::Next(t) => Some(at(Some(t), 0)),
            _ => self.after.as_ref().map(|t| at(Some(t), 0)),
        }
    }

    /// Items handed out so far.
    pub fn yielded(&self) -> u64 {
        self.yielded
    }

    /// Pages received so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// The page's field holding the next page's token (`next_page_token`).
    pub fn token_field(&self) -> Option<&str> {
        self.pagination.as_ref().map(|p| p.token_field.as_str())
    }

    /// The page's field holding its items (`call_logs`, `users`, ...).
    pub fn items_field(&self) -> Option<&str> {
        self.pagination
            .as_ref()
            .and_then(|p| p.items_field.as_deref())
    }

    /// Parameters of the next call, `Ok(None)` when the listing is complete,
    /// or `Err(PageTokenExpired)` when the token is older than Zoom keeps it
    /// (sending it would only earn Zoom's 400).
    pub fn next_params(&mut self, now: Timestamp) -> Result<Option<Value>, Error> {
        match &self.state {
            State::Done => Ok(None),
            State::First => {
                self.state = State::Awaiting;
                self.current = None;
                Ok(Some(self.params.clone()))
            }
            // Asked twice without an answer in between: the same call again.
            State::Awaiting => Ok(Some(self.params.clone())),
            State::Next(token) => {
                let expired = token
                    .issued_at
                    .is_some_and(|t| now >= t.saturating_add(PAGE_TOKEN_TTL));
                if expired {
                    self.state = State::Done;
                    return Err(Error::PageTokenExpired);
                }
                let Some(p) = self.pagination.as_ref() else {
                    self.state = State::Done;
                    return Ok(None);
                };
                let Some(params) = with_token(p, &self.params, &token.value) else {
                    self.state = State::Done;
                    return Ok(None);
                };
                self.current = Some(token.clone());
                self.params = params.clone();
                self.state = State::Awaiting;
                Ok(Some(params))
            }
        }
    }

    /// Takes one page the host parsed: the next page's token as the page
    /// holds it (`None`, or empty: the last page) and how many items it
    /// has. Returns which of them to hand out: those a resume skips are
    /// left out at the front, and the limit cuts the end.
    pub fn accept_page(
        &mut self,
        token: Option<&str>,
        items: usize,
        now: Timestamp,
    ) -> std::ops::Range<usize> {
        if self.state != State::Awaiting {
            return 0..0;
        }
        self.pages += 1;
        let skip = usize::try_from(std::mem::take(&mut self.skip))
            .unwrap_or(usize::MAX)
            .min(items);
        let room = self
            .limit
            .map_or(u64::MAX, |l| l.saturating_sub(self.yielded));
        let take = usize::try_from(room)
            .unwrap_or(usize::MAX)
            .min(items - skip);
        self.yielded += take as u64;
        self.page_start = skip as u64;
        self.page_take = take as u64;
        self.page_items = items as u64;
        let limit_reached = self.limit.is_some_and(|l| self.yielded >= l);
        let next = token.filter(|t| !t.trim().is_empty()).map(|t| Token {
            value: t.to_owned(),
            issued_at: Some(now),
        });
        self.state = match next {
            Some(t) if !limit_reached => State::Next(t),
            Some(t) => {
                self.after = Some(t);
                State::Done
            }
            None => State::Done,
        };
        skip..skip + take
    }

    /// Takes one page's body; returns its items (cut short at the limit) and
    /// prepares the next call.
    pub fn receive<'a>(&mut self, body: &'a Value, now: Timestamp) -> &'a [Value] {
        let page = match &self.pagination {
            Some(p) => items_of(p, body),
            None => &[],
        };
        let token = self.pagination.as_ref().and_then(|p| token_of(p, body));
        let range = self.accept_page(token, page.len(), now);
        page.get(range).unwrap_or(&[])
    }
}

/// How long one sub-range may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Span {
    Days(u32),
    Months(u32),
}

/// Splits the inclusive range `from..=to` into consecutive inclusive
/// sub-ranges of at most `span` each, in order (Zoom's `from`/`to` filters
/// often allow one month per call). Empty when `to < from` or `span` is zero.
pub fn split_range(from: Date, to: Date, span: Span) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    if to < from || matches!(span, Span::Days(0) | Span::Months(0)) {
        return out;
    }
    let mut start = from;
    loop {
        let after = match span {
            Span::Days(n) => start.add_days(i64::from(n)),
            Span::Months(n) => start.add_months(i64::from(n)),
        };
        let end = after.and_then(|d| d.add_days(-1)).map_or(to, |e| e.min(to));
        out.push((start, end));
        match end.add_days(1) {
            Some(next) if end < to => start = next,
            _ => break,
        }
    }
    out
}

/// The earliest `from` a filter reaching back at most `span` before `today`
/// accepts (call history: two years back).
pub fn earliest_from(today: Date, back: Span) -> Option<Date> {
    match back {
        Span::Days(n) => today.add_days(-i64::from(n)),
        Span::Months(n) => today.add_months(-i64::from(n)),
    }
}
