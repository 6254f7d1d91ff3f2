//! What the fuzz targets share: a memory guard, a readable input format for
//! HTTP exchanges, and operation lookup by index.
//!
//! Input format of the exchange-based targets (`response_parse`,
//! `oauth_parse`, `webhook`, `request_build`), chosen so that seed files are
//! written by hand and read like the HTTP they stand for:
//!
//! ```text
//! <word> <word> ...            first line: the target's selectors
//! Header-Name: value           header lines, up to the first empty line
//!
//! body bytes ...               everything after the empty line
//! ```
//!
//! Several exchanges may follow each other, separated by a line `====`
//! (the device flow's poll answers).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use zoom_phone::catalog::{self, Operation};

/// One allocation larger than this is a finding: no input of at most
/// `-max_len` bytes should need it.
pub const MAX_ALLOCATION: usize = 64 << 20;
/// Live heap larger than this is a finding (libFuzzer's `-rss_limit_mb`
/// catches growth outside the Rust allocator).
pub const MAX_LIVE: usize = 512 << 20;

/// The system allocator with limits. libFuzzer's `-malloc_limit_mb` needs a
/// sanitizer's malloc hooks, which a stable build (`--sanitizer none`) does
/// not have; this guard gives the same check. Over a limit it aborts, which
/// libFuzzer reports as a crash and saves the input.
pub struct BoundedAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to `System` with the caller's layout; the
// counters only observe sizes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for BoundedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        admit(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        admit(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        admit(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn admit(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    if size > MAX_ALLOCATION || live > MAX_LIVE {
        // No formatting here: it would allocate inside the allocator.
        std::process::abort();
    }
}

/// One exchange of the input format.
#[derive(Debug, Default)]
pub struct Exchange {
    pub words: Vec<String>,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl Exchange {
    /// The `i`th word of the first line, if any.
    pub fn word(&self, i: usize) -> Option<&str> {
        self.words.get(i).map(String::as_str)
    }

    /// The `i`th word as a number, if it is one.
    pub fn number(&self, i: usize) -> Option<u64> {
        self.word(i).and_then(|w| w.parse().ok())
    }

    /// An HTTP response with `status` (unusable codes become 200), these
    /// headers and body.
    pub fn response(&self, status: u64) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.body.clone());
        *response.status_mut() = u16::try_from(status)
            .ok()
            .and_then(|s| http::StatusCode::from_u16(s).ok())
            .unwrap_or(http::StatusCode::OK);
        *response.headers_mut() = self.headers.clone();
        response
    }

    /// The value of header `name` as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Reads every exchange of `data` (at least one).
pub fn exchanges(data: &[u8]) -> Vec<Exchange> {
    split(data, b"\n====\n").into_iter().map(exchange).collect()
}

/// Reads `data` as one exchange.
pub fn exchange(data: &[u8]) -> Exchange {
    let mut rest = data;
    let first = take_line(&mut rest);
    let words = String::from_utf8_lossy(first)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut headers = http::HeaderMap::new();
    while !rest.is_empty() {
        let line = take_line(&mut rest);
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], trim_start(&line[colon + 1..]));
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    Exchange {
        words,
        headers,
        body: rest.to_vec(),
    }
}

fn take_line<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    match rest.iter().position(|&b| b == b'\n') {
        Some(i) => {
            let line = &rest[..i];
            *rest = &rest[i + 1..];
            line
        }
        None => std::mem::take(rest),
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    &bytes[start..]
}

fn split<'a>(data: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(i) = rest
        .windows(separator.len())
        .position(|window| window == separator)
    {
        parts.push(&rest[..i]);
        rest = &rest[i + separator.len()..];
    }
    parts.push(rest);
    parts
}

/// The operation a selector names: an operation id, a snake_case name, or a
/// number taken modulo the catalog's size.
pub fn operation(selector: Option<&str>) -> &'static Operation {
    let ops = catalog::operations();
    let by_name = selector.and_then(catalog::operation);
    let index = selector.and_then(|s| s.parse::<usize>().ok()).unwrap_or(0) % ops.len();
    by_name.unwrap_or(&ops[index])
}

/// A timestamp word, defaulting to a fixed instant (2026-01-01T00:00:00Z).
pub fn timestamp(value: Option<u64>) -> zoom_phone::Timestamp {
    zoom_phone::Timestamp::from_millis(value.unwrap_or(1_767_225_600_000))
}
