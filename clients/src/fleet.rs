//! A fleet on Redis (feature `redis`): the scripts the core hands out
//! ([`zoom_phone::fleet`]) run through the `redis` crate, by the async
//! client on a multiplexed tokio connection and by the blocking client on
//! plain connections of its own. Nothing else is done here: which script,
//! with which keys and arguments, and what its answer means, is the core's.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
#[cfg(feature = "blocking")]
use std::time::{Duration, Instant};

use redis::{ErrorKind, RedisError, ServerErrorKind, Value};
use zoom_phone::config::ConfigError;
use zoom_phone::error::Error;
use zoom_phone::fleet::{SharedOp, SharedReply};

use crate::host::SharedRunner;

/// The Redis a fleet shares: hand it to
/// [`Builder::fleet`](crate::Builder::fleet) with the fleet's
/// [`FleetConfig`](crate::FleetConfig). Each client built with it keeps its
/// own connections, opened when first needed (so a client builds while
/// Redis is away, and works alone until it is back) and opened again after
/// Redis went away.
#[derive(Clone)]
pub struct RedisFleet {
    client: redis::Client,
}

impl RedisFleet {
    /// A fleet on the Redis this client of the `redis` crate connects to
    /// (TLS, a password, a database: as it was opened).
    pub fn new(client: redis::Client) -> Self {
        RedisFleet { client }
    }

    /// A fleet on the Redis at `url` (`redis://[user:password@]host:port[/db]`,
    /// `unix:///path`). Fails, without repeating the URL (it may hold a
    /// password), when the `redis` crate cannot read it.
    pub fn open(url: &str) -> Result<Self, Error> {
        match redis::Client::open(url) {
            Ok(client) => Ok(RedisFleet { client }),
            Err(_) => Err(ConfigError::new(
                "fleet.redis",
                "is not a Redis URL the redis crate opens (redis://host:port/db, unix:///path)",
            )
            .into()),
        }
    }

    #[cfg(feature = "async")]
    pub(crate) fn tokio_runner(self) -> std::sync::Arc<dyn SharedRunner> {
        std::sync::Arc::new(TokioRedis {
            client: self.client,
            connection: Mutex::new(None),
            connecting: tokio::sync::Mutex::new(0),
        })
    }

    #[cfg(feature = "blocking")]
    pub(crate) fn blocking_runner(self) -> std::sync::Arc<dyn SharedRunner> {
        std::sync::Arc::new(BlockingRedis {
            client: self.client,
            idle: Mutex::new((0, Vec::new())),
        })
    }
}

impl From<redis::Client> for RedisFleet {
    fn from(client: redis::Client) -> Self {
        RedisFleet::new(client)
    }
}

impl fmt::Debug for RedisFleet {
    // The connection info may hold a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisFleet").finish_non_exhaustive()
    }
}

fn evalsha(op: &SharedOp) -> redis::Cmd {
    let mut cmd = redis::cmd("EVALSHA");
    cmd.arg(op.script.sha1())
        .arg(op.keys.len())
        .arg(&op.keys)
        .arg(&op.args);
    cmd
}

fn eval(op: &SharedOp) -> redis::Cmd {
    let mut cmd = redis::cmd("EVAL");
    cmd.arg(op.script.source)
        .arg(op.keys.len())
        .arg(&op.keys)
        .arg(&op.args);
    cmd
}

fn no_script(e: &RedisError) -> bool {
    e.kind() == ErrorKind::Server(ServerErrorKind::NoScript)
}

/// An answer of the server (a script's own error, say) leaves the
/// connection usable; anything else (IO, a timeout, a protocol mix-up)
/// means it is gone.
fn connection_survives(e: &RedisError) -> bool {
    matches!(e.kind(), ErrorKind::Server(_))
}

/// What failed, for the core's log: the crate's description of the error
/// (its kind, the server's message, the IO error), which never holds the
/// command, whose arguments may be token sets.
fn describe(op: &SharedOp, e: &RedisError) -> String {
    format!("Redis `{}`: {e}", op.script.name)
}

fn timed_out(op: &SharedOp) -> String {
    format!(
        "Redis did not answer `{}` within {} ms",
        op.script.name,
        op.timeout.as_millis()
    )
}

/// A RESP reply as the core reads it.
fn reply(value: Value) -> Result<SharedReply, String> {
    Ok(match value {
        Value::Nil => SharedReply::Nil,
        Value::Int(n) => SharedReply::Int(n),
        Value::Boolean(b) => SharedReply::Int(i64::from(b)),
        Value::Double(d) if d.fract() == 0.0 && d.abs() < 9.0e15 => SharedReply::Int(d as i64),
        Value::Double(d) => SharedReply::Text(d.to_string()),
        Value::BulkString(bytes) => SharedReply::Text(
            String::from_utf8(bytes).map_err(|_| "a Redis reply that is not UTF-8 text")?,
        ),
        Value::SimpleString(s) => SharedReply::Text(s),
        Value::VerbatimString { text, .. } => SharedReply::Text(text),
        Value::Okay => SharedReply::Text("OK".to_owned()),
        Value::Array(items) | Value::Set(items) => {
            SharedReply::List(items.into_iter().map(reply).collect::<Result<_, _>>()?)
        }
        Value::Map(pairs) => SharedReply::List(
            pairs
                .into_iter()
                .flat_map(|(k, v)| [k, v])
                .map(reply)
                .collect::<Result<_, _>>()?,
        ),
        Value::Attribute { data, .. } => reply(*data)?,
        Value::ServerError(e) => return Err(format!("Redis answered an error: {e}")),
        _ => return Err("a Redis reply of a type no script of the core answers".to_owned()),
    })
}

/// The async client's: one multiplexed connection for every call, and
/// every clone, of the client.
#[cfg(feature = "async")]
struct TokioRedis {
    client: redis::Client,
    /// The connection in use, numbered so that a failure on it clears it
    /// and not a newer one.
    connection: Mutex<Option<(u64, redis::aio::MultiplexedConnection)>>,
    /// Held while connecting (one connection attempt at a time); the
    /// number of the last connection opened.
    connecting: tokio::sync::Mutex<u64>,
}

#[cfg(feature = "async")]
impl TokioRedis {
    fn current(&self) -> Option<(u64, redis::aio::MultiplexedConnection)> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn connection(
        &self,
        op: &SharedOp,
    ) -> Result<(u64, redis::aio::MultiplexedConnection), String> {
        if let Some(current) = self.current() {
            return Ok(current);
        }
        let mut number = self.connecting.lock().await;
        if let Some(current) = self.current() {
            return Ok(current);
        }
        // The op's timeout bounds the whole op; the multiplexer's own
        // response timeout is off.
        let config = redis::AsyncConnectionConfig::new().set_response_timeout(None);
        let connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| describe(op, &e))?;
        *number += 1;
        let current = (*number, connection);
        *self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(current.clone());
        Ok(current)
    }

    /// Connection `number` is gone: the next op opens another.
    fn forget(&self, number: u64) {
        let mut slot = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_some_and(|(n, _)| *n == number) {
            *slot = None;
        }
    }

    async fn eval(&self, op: &SharedOp, used: &mut Option<u64>) -> Result<Value, String> {
        let (number, mut connection) = self.connection(op).await?;
        *used = Some(number);
        let first = evalsha(op).query_async::<Value>(&mut connection).await;
        let answer = match first {
            Err(e) if no_script(&e) => eval(op).query_async::<Value>(&mut connection).await,
            other => other,
        };
        answer.map_err(|e| {
            if !connection_survives(&e) {
                self.forget(number);
            }
            describe(op, &e)
        })
    }
}

#[cfg(feature = "async")]
impl SharedRunner for TokioRedis {
    fn run<'a>(
        &'a self,
        op: &'a SharedOp,
    ) -> Pin<Box<dyn Future<Output = Result<SharedReply, String>> + Send + 'a>> {
        Box::pin(async move {
            let mut used = None;
            match tokio::time::timeout(op.timeout, self.eval(op, &mut used)).await {
                Ok(answer) => reply(answer?),
                Err(_) => {
                    // Silent past the timeout: perhaps a connection whose
                    // peer vanished without a word, which would hold every
                    // later op too. The next op opens a fresh one.
                    if let Some(number) = used {
                        self.forget(number);
                    }
                    Err(timed_out(op))
                }
            }
        })
    }
}

/// The blocking client's: a connection per thread in an op, kept for the
/// next op while it works.
#[cfg(feature = "blocking")]
struct BlockingRedis {
    client: redis::Client,
    /// The epoch and the idle connections opened in it; a connection
    /// found gone bumps it, and those of older epochs are closed, not
    /// reused (they went to the same server, and most likely went with it).
    idle: Mutex<(u64, Vec<redis::Connection>)>,
}

#[cfg(feature = "blocking")]
impl BlockingRedis {
    /// At most this many idle connections are kept (one per thread
    /// calling at once, normally fewer).
    const IDLE: usize = 16;

    fn take(&self, op: &SharedOp) -> Result<(u64, redis::Connection), String> {
        let (epoch, connection) = {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            (idle.0, idle.1.pop())
        };
        match connection {
            Some(connection) => Ok((epoch, connection)),
            None => self
                .client
                .get_connection_with_timeout(op.timeout)
                .map(|c| (epoch, c))
                .map_err(|e| describe(op, &e)),
        }
    }

    fn give_back(&self, epoch: u64, connection: redis::Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.0 == epoch && idle.1.len() < Self::IDLE {
            idle.1.push(connection);
        }
    }

    fn forget(&self, epoch: u64) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.0 == epoch {
            idle.0 += 1;
            idle.1.clear();
        }
    }

    fn eval(&self, op: &SharedOp) -> Result<Value, String> {
        let deadline = Instant::now() + op.timeout;
        let (epoch, mut connection) = self.take(op)?;
        let mut query = |cmd: redis::Cmd| -> Result<Value, RedisError> {
            let left = deadline.saturating_duration_since(Instant::now());
            if left < Duration::from_millis(1) {
                return Err(RedisError::from(std::io::Error::from(
                    std::io::ErrorKind::TimedOut,
                )));
            }
            connection.set_read_timeout(Some(left))?;
            connection.set_write_timeout(Some(left))?;
            cmd.query::<Value>(&mut connection)
        };
        let answer = match query(evalsha(op)) {
            Err(e) if no_script(&e) => query(eval(op)),
            other => other,
        };
        match answer {
            Ok(value) => {
                self.give_back(epoch, connection);
                Ok(value)
            }
            Err(e) if connection_survives(&e) => {
                self.give_back(epoch, connection);
                Err(describe(op, &e))
            }
            Err(e) => {
                self.forget(epoch);
                Err(if e.is_timeout() {
                    timed_out(op)
                } else {
                    describe(op, &e)
                })
            }
        }
    }
}

#[cfg(feature = "blocking")]
impl SharedRunner for BlockingRedis {
    fn run<'a>(
        &'a self,
        op: &'a SharedOp,
    ) -> Pin<Box<dyn Future<Output = Result<SharedReply, String>> + Send + 'a>> {
        // The blocking client polls its futures on the calling thread:
        // this one is done in its first poll.
        let answer = self.eval(op).and_then(reply);
        Box::pin(std::future::ready(answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_convert_as_the_core_reads_them() {
        let value = Value::Array(vec![
            Value::Int(1),
            Value::BulkString(b"12".to_vec()),
            Value::Nil,
            Value::SimpleString("ok".to_owned()),
            Value::Okay,
            Value::Array(vec![Value::Boolean(true)]),
        ]);
        let r = reply(value).unwrap();
        assert_eq!(
            r,
            SharedReply::List(vec![
                SharedReply::Int(1),
                SharedReply::Text("12".to_owned()),
                SharedReply::Nil,
                SharedReply::Text("ok".to_owned()),
                SharedReply::Text("OK".to_owned()),
                SharedReply::List(vec![SharedReply::Int(1)]),
            ])
        );
        assert!(reply(Value::BulkString(vec![0xff, 0xfe])).is_err());
        assert_eq!(reply(Value::Double(3.0)).unwrap(), SharedReply::Int(3));
    }

    #[test]
    fn a_bad_url_is_a_build_error_that_does_not_repeat_it() {
        let e = RedisFleet::open("nope://user:hunter2@host").unwrap_err();
        let text = format!("{e} {e:?}");
        assert!(text.contains("fleet.redis"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let fleet = RedisFleet::open("redis://:hunter2@127.0.0.1:1/0").unwrap();
        assert!(!format!("{fleet:?}").contains("hunter2"));
    }
}
