//! A real `redis-server` for the fleet tests (Debian's, installed by
//! `make test`), started on a free loopback port without persistence and
//! stopped when dropped, and a minimal RESP client that runs the core's
//! scripts the way every host must: `EVALSHA`, then `EVAL` on `NOSCRIPT`.

// A real Redis keeps real time (leases, `TIME`): this host side sleeps and
// reads the clock, as the hosts do.
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use zoom_phone::fleet::{SharedOp, SharedReply};

pub struct Redis {
    child: Option<Child>,
    pub port: u16,
}

impl Redis {
    /// Starts a server; fails the test when `redis-server` is missing (run
    /// `make redis` or `apt-get install redis-server`).
    pub fn start() -> Redis {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let mut redis = Redis { child: None, port };
        redis.spawn();
        redis
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "redis-server is not installed: `apt-get install redis-server` (make test does)",
            );
        self.child = Some(child);
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(mut c) = Client::connect(self.port) {
                if c.command(&["PING"]).is_ok() {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    /// Kills the server (an outage); `restart` brings an empty one back.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    pub fn client(&self) -> Client {
        Client::connect(self.port).expect("connect to the test redis")
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

pub struct Client {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
}

impl Client {
    pub fn connect(port: u16) -> std::io::Result<Client> {
        let mut c = Client { port, stream: None };
        c.reconnect()?;
        Ok(c)
    }

    fn reconnect(&mut self) -> std::io::Result<()> {
        let stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_millis(500)))?;
        self.stream = Some(BufReader::new(stream));
        Ok(())
    }

    pub fn command(&mut self, args: &[&str]) -> Result<SharedReply, String> {
        if self.stream.is_none() {
            self.reconnect().map_err(|e| e.to_string())?;
        }
        let result = self.try_command(args);
        if result.as_ref().is_err_and(|e| e.starts_with("io:")) {
            self.stream = None;
        }
        result
    }

    fn try_command(&mut self, args: &[&str]) -> Result<SharedReply, String> {
        let stream = self.stream.as_mut().ok_or("io: not connected")?;
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        stream
            .get_mut()
            .write_all(&out)
            .map_err(|e| format!("io: {e}"))?;
        read_reply(stream)
    }

    /// Runs a core script as a host does.
    pub fn run(&mut self, op: &SharedOp) -> Result<SharedReply, String> {
        let numkeys = op.keys.len().to_string();
        let mut args: Vec<&str> = vec!["EVALSHA", op.script.sha1(), &numkeys];
        args.extend(op.keys.iter().map(String::as_str));
        args.extend(op.args.iter().map(String::as_str));
        match self.command(&args) {
            Err(e) if e.starts_with("NOSCRIPT") => {
                args[0] = "EVAL";
                args[1] = op.script.source;
                self.command(&args)
            }
            other => other,
        }
    }
}

fn line(stream: &mut BufReader<TcpStream>) -> Result<String, String> {
    let mut s = String::new();
    stream.read_line(&mut s).map_err(|e| format!("io: {e}"))?;
    if s.is_empty() {
        return Err("io: connection closed".to_owned());
    }
    Ok(s.trim_end_matches(['\r', '\n']).to_owned())
}

fn read_reply(stream: &mut BufReader<TcpStream>) -> Result<SharedReply, String> {
    let head = line(stream)?;
    let (kind, rest) = head.split_at(1);
    match kind {
        "+" => Ok(SharedReply::Text(rest.to_owned())),
        "-" => Err(rest.to_owned()),
        ":" => rest
            .parse()
            .map(SharedReply::Int)
            .map_err(|e| e.to_string()),
        "$" => {
            let n: i64 = rest
                .parse()
                .map_err(|e: std::num::ParseIntError| e.to_string())?;
            if n < 0 {
                return Ok(SharedReply::Nil);
            }
            let mut buf = vec![0; n as usize + 2];
            stream
                .read_exact(&mut buf)
                .map_err(|e| format!("io: {e}"))?;
            buf.truncate(n as usize);
            Ok(SharedReply::Text(
                String::from_utf8_lossy(&buf).into_owned(),
            ))
        }
        "*" => {
            let n: i64 = rest
                .parse()
                .map_err(|e: std::num::ParseIntError| e.to_string())?;
            if n < 0 {
                return Ok(SharedReply::Nil);
            }
            (0..n)
                .map(|_| read_reply(stream))
                .collect::<Result<_, _>>()
                .map(SharedReply::List)
        }
        other => Err(format!("io: unexpected RESP type {other:?}")),
    }
}
