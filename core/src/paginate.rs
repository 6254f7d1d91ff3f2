//! Pages as data: the next call's parameters from this call's answer, the
//! items of a page, a [`Pager`] that stops after N items and knows Zoom's
//! 15-minute token lifetime, and a splitter for long `from`/`to` ranges.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::catalog::{Operation, Pagination};
use crate::date::Date;
use crate::error::Error;
use crate::response::ApiError;
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

/// Walks the pages of one listing.
///
/// ```text
/// loop { let Some(params) = pager.next_params(now)? else { break };
///        /* send, parse */ for item in pager.receive(&body, now) { ... } }
/// ```
#[derive(Debug, Clone)]
pub struct Pager {
    pagination: Option<Pagination>,
    params: Value,
    limit: Option<u64>,
    yielded: u64,
    pages: u64,
    state: State,
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
    pub fn resume(mut self, token: impl Into<String>, issued_at: Option<Timestamp>) -> Self {
        let value: String = token.into();
        if self.pagination.is_some() && !value.is_empty() && self.state != State::Done {
            self.state = State::Next(Token { value, issued_at });
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

    /// Parameters of the next call, `Ok(None)` when the listing is complete,
    /// or `Err(PageTokenExpired)` when the token is older than Zoom keeps it
    /// (sending it would only earn Zoom's 400).
    pub fn next_params(&mut self, now: Timestamp) -> Result<Option<Value>, Error> {
        match &self.state {
            State::Done => Ok(None),
            State::First => {
                self.state = State::Awaiting;
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
                self.params = params.clone();
                self.state = State::Awaiting;
                Ok(Some(params))
            }
        }
    }

    /// Takes one page's body; returns its items (cut short at the limit) and
    /// prepares the next call.
    pub fn receive<'a>(&mut self, body: &'a Value, now: Timestamp) -> &'a [Value] {
        if self.state != State::Awaiting {
            return &[];
        }
        self.pages += 1;
        let page = match &self.pagination {
            Some(p) => items_of(p, body),
            None => &[],
        };
        let room = self
            .limit
            .map_or(u64::MAX, |l| l.saturating_sub(self.yielded));
        let take = usize::try_from(room).unwrap_or(usize::MAX).min(page.len());
        let page = page.get(..take).unwrap_or(&[]);
        self.yielded += page.len() as u64;
        let limit_reached = self.limit.is_some_and(|l| self.yielded >= l);
        let token = self.pagination.as_ref().and_then(|p| token_of(p, body));
        self.state = match token {
            Some(t) if !limit_reached => State::Next(Token {
                value: t.to_owned(),
                issued_at: Some(now),
            }),
            _ => State::Done,
        };
        page
    }

    /// Takes a driver call's successful [`Output`](crate::response::Output):
    /// [`Pager::receive`] of its JSON body. A page that is not JSON (never
    /// the case for a paginated operation) yields nothing and ends the
    /// listing. Errors need no counterpart: the driver already reports
    /// Zoom's expired-token answer as `Error::PageTokenExpired`.
    pub fn accept<'a>(
        &mut self,
        output: &'a crate::response::Output,
        now: Timestamp,
    ) -> &'a [Value] {
        match &output.body {
            crate::response::Body::Json(body) => self.receive(body, now),
            _ => {
                self.state = State::Done;
                &[]
            }
        }
    }

    /// Takes Zoom's error answer to the last call (after any retries): the
    /// expired-token answer becomes `Error::PageTokenExpired` (the listing
    /// must restart); other errors are the caller's to surface as they are.
    /// Either way the pager is done.
    pub fn receive_error(&mut self, error: &ApiError) -> Option<Error> {
        let had_token = self.pages > 0 || self.params_have_token();
        self.state = State::Done;
        let message = error.message.as_deref().unwrap_or_default();
        (had_token && is_expired_token_error(error.status, error.code, message))
            .then_some(Error::PageTokenExpired)
    }

    fn params_have_token(&self) -> bool {
        self.pagination
            .as_ref()
            .is_some_and(|p| self.params.get(&p.token_param).is_some())
    }
}

/// How long one sub-range may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
