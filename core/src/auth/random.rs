//! Where the core's randomness comes from. The flows take a `&mut dyn
//! RandomSource` so tests can pass fixed bytes; production code passes
//! [`OsRandom`] (the OS generator natively, `crypto.getRandomValues` on
//! wasm32-unknown-unknown: see the getrandom note in core/Cargo.toml).

use super::OAuthError;

/// A source of cryptographically secure random bytes.
pub trait RandomSource {
    /// Fill `dest` entirely, or fail.
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), OAuthError>;
}

/// The operating system's (or the JS host's) secure generator, via `getrandom`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), OAuthError> {
        getrandom::fill(dest).map_err(|e| OAuthError::Random {
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_random_fills_and_differs() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        OsRandom.fill(&mut a).unwrap();
        OsRandom.fill(&mut b).unwrap();
        // 2^-256 chance of a false failure.
        assert_ne!(a, b);
    }
}
