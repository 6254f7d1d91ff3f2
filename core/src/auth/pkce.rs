//! PKCE (RFC 7636) with the S256 method, and the OAuth `state` value.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use super::OAuthError;
use super::random::RandomSource;
use crate::secret::Secret;

/// 32 random bytes give a 43-character verifier, the minimum RFC 7636 allows,
/// with 256 bits of entropy (what its section 7.1 recommends).
const VERIFIER_BYTES: usize = 32;
/// 128 bits make `state` unguessable.
const STATE_BYTES: usize = 16;

/// A fresh `code_verifier`: base64url (no padding) of 32 random bytes.
pub fn new_code_verifier(random: &mut dyn RandomSource) -> Result<Secret, OAuthError> {
    random_token(random, VERIFIER_BYTES)
}

/// A fresh opaque `state` for the authorize URL.
pub fn new_state(random: &mut dyn RandomSource) -> Result<Secret, OAuthError> {
    random_token(random, STATE_BYTES)
}

/// `BASE64URL(SHA256(ASCII(code_verifier)))`, RFC 7636 §4.2.
pub fn code_challenge_s256(code_verifier: &Secret) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(code_verifier.expose().as_bytes()))
}

fn random_token(random: &mut dyn RandomSource, len: usize) -> Result<Secret, OAuthError> {
    let mut bytes = vec![0u8; len];
    random.fill(&mut bytes)?;
    Ok(Secret::new(URL_SAFE_NO_PAD.encode(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 appendix B.
    #[test]
    fn rfc7636_appendix_b_vector() {
        struct Fixed;
        impl RandomSource for Fixed {
            fn fill(&mut self, dest: &mut [u8]) -> Result<(), OAuthError> {
                let octets: [u8; 32] = [
                    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22,
                    212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
                ];
                dest.copy_from_slice(&octets);
                Ok(())
            }
        }
        let verifier = new_code_verifier(&mut Fixed).unwrap();
        assert_eq!(
            verifier.expose(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(
            code_challenge_s256(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
