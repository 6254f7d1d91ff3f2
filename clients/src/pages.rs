//! Walking a listing, shared by the async `Stream` and the blocking
//! `Iterator`: the core's [`Pager`] decides which page comes next, the
//! limit and where to resume; this decodes each page's items straight
//! from the reply's bytes into the item type (a typed model, or `Value`).

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use zoom_phone::decode;
use zoom_phone::driver::{CallOptions, CallRequest};
use zoom_phone::paginate::{Pager, ResumePoint};
use zoom_phone::request::BuildError;
use zoom_phone::response::{DecodeError, Output, RawBody, Reply};
use zoom_phone::{Error, Operation};

use crate::clock;

/// Where a listing is and what it has buffered.
pub(crate) struct Walker<T> {
    operation: &'static Operation,
    pager: Pager,
    buffer: VecDeque<T>,
    /// Items of the last page's range handed out so far.
    handed: u64,
    /// Set once the walk is over: an error was handed out, or the last page.
    finished: bool,
    /// The last page's response, its body taken.
    last: Option<Output<()>>,
}

impl<T> fmt::Debug for Walker<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.operation.id)
            .field("pages", &self.pager.pages())
            .field("yielded", &self.yielded())
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Walker<T> {
    /// A walk over `operation`; an unknown operation or one that is not a
    /// listing is refused before anything is sent.
    pub(crate) fn new(operation: &str, params: Value) -> Result<Self, Error> {
        let op = zoom_phone::operation(operation)
            .ok_or_else(|| BuildError::UnknownOperation(operation.to_owned()))?;
        if op.pagination.is_none() {
            return Err(BuildError::InvalidParameter {
                operation: op.id.clone(),
                field: "operation".to_owned(),
                problem: "is not a paginated listing (call it instead)".to_owned(),
            }
            .into());
        }
        Ok(Walker {
            operation: op,
            pager: Pager::new(op, params),
            buffer: VecDeque::new(),
            handed: 0,
            finished: false,
            last: None,
        })
    }

    /// Takes a page's reply: its items (those the pager hands out) go to
    /// the buffer.
    pub(crate) fn accept(&mut self, reply: Result<Reply, Error>) -> Result<(), Error> {
        let mut reply = reply.map_err(|e| self.fail(e))?;
        let body = std::mem::replace(&mut reply.body, RawBody::Empty);
        let response = reply.map(|_| ());
        let page = decode_page::<T>(&self.operation.id, &self.pager, &response, body);
        self.last = Some(response);
        let (token, items) = page.map_err(|e| self.fail(e))?;
        let range = self
            .pager
            .accept_page(token.as_deref(), items.len(), clock::now());
        self.handed = 0;
        self.buffer.extend(
            items
                .into_iter()
                .skip(range.start)
                .take(range.end - range.start),
        );
        Ok(())
    }
}

impl<T> Walker<T> {
    pub(crate) fn limit(&mut self, n: u64) {
        self.pager = self.pager.clone().limit(n);
    }

    pub(crate) fn resume(&mut self, point: ResumePoint) {
        self.pager = self.pager.clone().resume_at(point);
    }

    /// The last page's response (status, headers, tracking id, rate
    /// limit), its body taken.
    pub(crate) fn last_response(&self) -> Option<&Output<()>> {
        self.last.as_ref()
    }

    /// The next buffered item.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let item = self.buffer.pop_front()?;
        self.handed += 1;
        Some(item)
    }

    /// The call for the next page, `None` when the walk is over (the last
    /// page, the limit, or an error handed out before).
    pub(crate) fn next_call(
        &mut self,
        options: &CallOptions,
    ) -> Result<Option<CallRequest>, Error> {
        if self.finished {
            return Ok(None);
        }
        match self.pager.next_params(clock::now()) {
            Ok(Some(params)) => Ok(Some(
                CallRequest::operation(self.operation.id.as_str(), params)
                    .with_options(options.clone()),
            )),
            Ok(None) => {
                self.finished = true;
                Ok(None)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// An error ends the walk: it is handed out once, then nothing more.
    fn fail(&mut self, error: Error) -> Error {
        self.finished = true;
        self.buffer.clear();
        error
    }

    /// Where to go on later (another process, after a crash): the page and
    /// how many of its items were handed out. `None` when nothing is left.
    pub(crate) fn resume_point(&self) -> Option<ResumePoint> {
        self.pager.resume_point(self.handed)
    }

    /// Pages received so far.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn pages(&self) -> u64 {
        self.pager.pages()
    }

    /// Items handed out so far.
    pub(crate) fn yielded(&self) -> u64 {
        self.pager
            .yielded()
            .saturating_sub(self.buffer.len() as u64)
    }
}

/// The next page's token and the page's items, read straight from the
/// bytes (no `Value` of the page); a mismatch names its JSON path.
fn decode_page<T: DeserializeOwned>(
    operation: &str,
    pager: &Pager,
    response: &Output<()>,
    body: RawBody,
) -> Result<(Option<String>, Vec<T>), Error> {
    let (status, tracking_id) = (response.status, response.tracking_id.clone());
    let bytes = match body {
        RawBody::Json(bytes) => bytes,
        // A listing that answers nothing has no items.
        RawBody::Empty => return Ok((None, Vec::new())),
        RawBody::Binary { .. } | RawBody::Text { .. } => {
            let message = "a listing answered with a file";
            return Err(DecodeError::new(operation, status, message, tracking_id).into());
        }
    };
    let seed = PageSeed::<T> {
        items: pager.items_field(),
        token: pager.token_field(),
        item: PhantomData,
    };
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    seed.deserialize(&mut de)
        .and_then(|page| de.end().map(|()| page))
        .map_err(|e| {
            // serde_json's position is in the page's own bytes: the path
            // names the item and its field (`users[3].extension_number`).
            let tracking_id = tracking_id.as_deref();
            decode::explain(operation, status, tracking_id, &bytes, &e).into()
        })
}

/// A page as only its items and next-page token: every other field is
/// skipped without being built.
struct PageSeed<'a, T> {
    items: Option<&'a str>,
    token: Option<&'a str>,
    item: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<'_, T> {
    type Value = (Option<String>, Vec<T>);

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<'_, T> {
    type Value = (Option<String>, Vec<T>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page of a listing (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut token, mut items) = (None, Vec::new());
        let keys = KeySeed {
            items: self.items,
            token: self.token,
        };
        while let Some(key) = map.next_key_seed(keys)? {
            match key {
                Key::Items => items = map.next_value::<Option<Vec<T>>>()?.unwrap_or_default(),
                Key::Token => token = map.next_value::<Option<String>>()?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((token, items))
    }
}

/// Which field of a page a key names, told without allocating the key.
enum Key {
    Items,
    Token,
    Other,
}

#[derive(Clone, Copy)]
struct KeySeed<'a> {
    items: Option<&'a str>,
    token: Option<&'a str>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Key, D::Error> {
        de.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(if Some(key) == self.items {
            Key::Items
        } else if Some(key) == self.token {
            Key::Token
        } else {
            Key::Other
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(body: &str) -> Reply {
        let op = zoom_phone::operation("listPhoneUsers").unwrap();
        let response = http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .unwrap();
        zoom_phone::response::classify(op, response).unwrap()
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct User {
        id: String,
        extension_number: Option<i64>,
    }

    fn page<T: DeserializeOwned>(body: &str) -> Result<(Option<String>, Vec<T>), Error> {
        let op = zoom_phone::operation("listPhoneUsers").unwrap();
        let pager = Pager::new(op, serde_json::json!({}));
        let mut reply = reply(body);
        let body = std::mem::replace(&mut reply.body, RawBody::Empty);
        decode_page::<T>("listPhoneUsers", &pager, &reply.map(|_| ()), body)
    }

    #[test]
    fn items_and_token_come_straight_from_the_bytes() {
        let body = r#"{"total_records":2,"next_page_token":"t2","users":[{"id":"a","extension_number":1,"x":[1,{"y":2}]},{"id":"b"}]}"#;
        let (token, users) = page::<User>(body).unwrap();
        assert_eq!(token.as_deref(), Some("t2"));
        assert_eq!(users.len(), 2);
        assert_eq!(
            users[1],
            User {
                id: "b".into(),
                extension_number: None
            }
        );
        let (token, values) = page::<Value>(r#"{"users":null,"next_page_token":""}"#).unwrap();
        assert_eq!((token.as_deref(), values.len()), (Some(""), 0));
    }

    #[test]
    fn a_mismatch_names_the_item_and_field() {
        let body = r#"{"users":[{"id":"a"},{"id":"b","extension_number":"x"}]}"#;
        let Err(Error::Decode(e)) = page::<User>(body) else {
            panic!("a decode error");
        };
        assert_eq!(e.path, "users[1].extension_number");
        assert_eq!(e.operation, "listPhoneUsers");
        let Err(Error::Decode(e)) = page::<User>(r#"{"users":[{"id":"a"}"#) else {
            panic!("a decode error");
        };
        assert!(e.message.contains("truncated"), "{e}");
    }
}
