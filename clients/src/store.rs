//! Where a client keeps its tokens between runs. The core asks for every
//! store action (`ReadStore` on a client's first call, `WriteStore` after
//! each new token set), and a client with a store starts from the saved
//! tokens instead of asking Zoom again. That matters most for user tokens:
//! Zoom rotates refresh tokens, so a refresh token that was used but not
//! saved is lost for good.
//!
//! Any store may be shared by several clients or processes: the core runs
//! each renewal as `LockStore` ([`TokenStore::try_lock`], tried again
//! shortly while another holds it, until the call's deadline), `ReadStore`
//! (adopting a newer token set another client saved), the token request
//! only if that one is stale too, `WriteStore`, `UnlockStore`; no client
//! ever sends a refresh token that another one already rotated away.

use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use zoom_phone::auth::TokenSet;

/// A future returned by [`AsyncTokenStore`] methods.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

/// The held lock of a token store: read, refresh and save happen while a
/// client holds it; dropping it unlocks.
pub struct StoreLock {
    _guard: Option<Box<dyn Send + Sync>>,
}

impl StoreLock {
    /// A lock that guards nothing (a store only one client uses).
    pub fn none() -> Self {
        StoreLock { _guard: None }
    }

    /// Holds `guard` until the lock is dropped; its `Drop` unlocks.
    pub fn new(guard: impl Send + Sync + 'static) -> Self {
        StoreLock {
            _guard: Some(Box::new(guard)),
        }
    }
}

impl fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreLock")
            .field("guards", &self._guard.is_some())
            .finish()
    }
}

/// A token store with quick, local operations (memory, a small file): used by
/// the blocking client directly and by the async client through the blanket
/// [`AsyncTokenStore`] implementation.
pub trait TokenStore: Send + Sync {
    /// The saved token set, if any.
    fn load(&self) -> io::Result<Option<TokenSet>>;
    /// Replace the saved token set.
    fn save(&self, tokens: &TokenSet) -> io::Result<()>;
    /// Takes the store's exclusive lock without waiting: `Ok(None)` when
    /// another client holds it (the core tries again shortly). The
    /// default locks nothing: fine for a store one client uses alone.
    fn try_lock(&self) -> io::Result<Option<StoreLock>> {
        Ok(Some(StoreLock::none()))
    }
}

/// A token store whose operations wait on something (a database, a vault).
pub trait AsyncTokenStore: Send + Sync {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>>;
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()>;
    /// As [`TokenStore::try_lock`]: must not block.
    fn try_lock(&self) -> io::Result<Option<StoreLock>> {
        Ok(Some(StoreLock::none()))
    }
}

impl<S: TokenStore> AsyncTokenStore for S {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        let loaded = TokenStore::load(self);
        Box::pin(std::future::ready(loaded))
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        let saved = TokenStore::save(self, tokens);
        Box::pin(std::future::ready(saved))
    }

    fn try_lock(&self) -> io::Result<Option<StoreLock>> {
        TokenStore::try_lock(self)
    }
}

/// A store shared with the caller, who can then look at what was saved.
impl<S: TokenStore + ?Sized> TokenStore for std::sync::Arc<S> {
    fn load(&self) -> io::Result<Option<TokenSet>> {
        (**self).load()
    }

    fn save(&self, tokens: &TokenSet) -> io::Result<()> {
        (**self).save(tokens)
    }

    fn try_lock(&self) -> io::Result<Option<StoreLock>> {
        (**self).try_lock()
    }
}

/// Keeps the tokens in memory: shared by clients of one process (through an
/// `Arc`), lost on exit.
#[derive(Default)]
pub struct MemoryStore {
    tokens: Mutex<Option<TokenSet>>,
    locked: Arc<AtomicBool>,
}

/// Unlocks a [`MemoryStore`] when dropped.
struct MemoryLock(Arc<AtomicBool>);

impl Drop for MemoryLock {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// A store that starts with `tokens` (obtained elsewhere, e.g. by a code
    /// exchange).
    pub fn with_tokens(tokens: TokenSet) -> Self {
        MemoryStore {
            tokens: Mutex::new(Some(tokens)),
            locked: Arc::default(),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<TokenSet>> {
        // A panic elsewhere while holding the lock leaves a whole token set
        // behind (assignments are not torn), so the value is still good.
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("has_tokens", &self.slot().is_some())
            .finish()
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> io::Result<Option<TokenSet>> {
        Ok(self.slot().clone())
    }

    fn save(&self, tokens: &TokenSet) -> io::Result<()> {
        *self.slot() = Some(tokens.clone());
        Ok(())
    }

    fn try_lock(&self) -> io::Result<Option<StoreLock>> {
        let taken = self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok();
        Ok(taken.then(|| StoreLock::new(MemoryLock(Arc::clone(&self.locked)))))
    }
}

/// Keeps the tokens in a JSON file ([`TokenSet::to_store_json`]). Saving
/// writes a sibling temporary file and renames it over the old one, so a
/// crash never leaves half a file; on Unix the file is readable by its owner
/// only. Its lock is an advisory OS file lock (`flock` on Unix, `LockFileEx`
/// on Windows) on a sibling `<file>.lock`, so clients in several processes
/// take turns to refresh; the OS drops it if a process dies holding it.
#[derive(Debug, Clone)]
pub struct JsonFileStore {
    path: PathBuf,
}

impl JsonFileStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        JsonFileStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sibling file the lock is taken on: the token file itself is
    /// replaced on every save, and a lock on a replaced file guards nothing.
    fn lock_path(&self) -> PathBuf {
        let mut path = self.path.clone().into_os_string();
        path.push(".lock");
        PathBuf::from(path)
    }
}

impl TokenStore for JsonFileStore {
    fn load(&self) -> io::Result<Option<TokenSet>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        TokenSet::from_store_json(&bytes)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
    }

    fn save(&self, tokens: &TokenSet) -> io::Result<()> {
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        write_private(&tmp, &tokens.to_store_json())?;
        std::fs::rename(&tmp, &self.path)
    }

    fn try_lock(&self) -> io::Result<Option<StoreLock>> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.lock_path())?;
        // std's file locks (Rust 1.89, this crate's rust-version) are the
        // one dependency-free way to lock across processes.
        match file.try_lock() {
            // Closing the file (dropping the lock) unlocks it.
            Ok(()) => Ok(Some(StoreLock::new(file))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zoom_phone::Timestamp;

    fn tokens(access: &str) -> TokenSet {
        TokenSet::new(access, Some(Timestamp::from_secs(1_800_000_000)))
            .with_refresh_token("refresh-1")
            .with_scopes(["phone:read:admin"])
            .with_api_url("https://api-eu.zoom.us")
    }

    #[test]
    fn memory_store_keeps_the_last_save() {
        let store = MemoryStore::new();
        assert_eq!(TokenStore::load(&store).unwrap(), None);
        TokenStore::save(&store, &tokens("a")).unwrap();
        TokenStore::save(&store, &tokens("b")).unwrap();
        assert_eq!(TokenStore::load(&store).unwrap(), Some(tokens("b")));
        assert!(!format!("{store:?}").contains("refresh-1"));
    }

    #[test]
    fn memory_store_lock_is_exclusive_until_dropped() {
        let store = MemoryStore::new();
        let held = TokenStore::try_lock(&store).unwrap();
        assert!(held.is_some());
        assert!(TokenStore::try_lock(&store).unwrap().is_none());
        drop(held);
        assert!(TokenStore::try_lock(&store).unwrap().is_some());
    }

    #[test]
    fn json_file_store_lock_is_exclusive_across_handles() {
        let dir = std::env::temp_dir().join(format!("zp-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = JsonFileStore::new(dir.join("tokens.json"));
        let b = JsonFileStore::new(dir.join("tokens.json"));
        let held = TokenStore::try_lock(&a).unwrap();
        assert!(held.is_some());
        // Another open file description: as another process would see it.
        assert!(TokenStore::try_lock(&b).unwrap().is_none());
        drop(held);
        assert!(TokenStore::try_lock(&b).unwrap().is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn json_file_store_round_trips_and_replaces() {
        let dir = std::env::temp_dir().join(format!("zp-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = JsonFileStore::new(dir.join("tokens.json"));
        assert_eq!(TokenStore::load(&store).unwrap(), None);
        TokenStore::save(&store, &tokens("first")).unwrap();
        TokenStore::save(&store, &tokens("second")).unwrap();
        assert_eq!(TokenStore::load(&store).unwrap(), Some(tokens("second")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(store.path(), b"not json").unwrap();
        let err = TokenStore::load(&store).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
