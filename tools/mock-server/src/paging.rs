//! Opaque `next_page_token`s: base64url of (operation, position, issue
//! time) plus a MAC under the server key, so a token cannot be forged,
//! carried to another operation, or used after it expires.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};

use crate::util::hex;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Why a presented token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    Invalid,
    Expired,
}

fn mac(key: &[u8], content: &str) -> String {
    match HmacSha256::new_from_slice(key) {
        Ok(mut m) => {
            m.update(content.as_bytes());
            hex(&m.finalize().into_bytes()).chars().take(24).collect()
        }
        Err(_) => String::new(),
    }
}

pub(crate) fn encode(key: &[u8], op_id: &str, offset: usize, issued_ms: u64) -> String {
    let content = format!("{op_id}|{offset}|{issued_ms}");
    let tag = mac(key, &content);
    URL_SAFE_NO_PAD.encode(format!("{content}|{tag}"))
}

/// The position a token stands for.
pub(crate) fn decode(
    key: &[u8],
    token: &str,
    op_id: &str,
    now_ms: u64,
    ttl_ms: u64,
) -> Result<usize, TokenError> {
    let raw = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| TokenError::Invalid)?;
    let text = String::from_utf8(raw).map_err(|_| TokenError::Invalid)?;
    let (content, tag) = text.rsplit_once('|').ok_or(TokenError::Invalid)?;
    if mac(key, content) != tag {
        return Err(TokenError::Invalid);
    }
    let mut parts = content.split('|');
    let (Some(id), Some(offset), Some(issued), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Invalid);
    };
    if id != op_id {
        return Err(TokenError::Invalid);
    }
    let offset: usize = offset.parse().map_err(|_| TokenError::Invalid)?;
    let issued: u64 = issued.parse().map_err(|_| TokenError::Invalid)?;
    if now_ms.saturating_sub(issued) >= ttl_ms {
        return Err(TokenError::Expired);
    }
    Ok(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_tampering_reuse_elsewhere_and_age() {
        let key = b"k";
        let t = encode(key, "listPhoneUsers", 60, 1_000);
        assert_eq!(decode(key, &t, "listPhoneUsers", 2_000, 900_000), Ok(60));
        assert_eq!(
            decode(key, &t, "listPhoneSites", 2_000, 900_000),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            decode(key, &t, "listPhoneUsers", 901_000, 900_000),
            Err(TokenError::Expired)
        );
        let forged = URL_SAFE_NO_PAD.encode("listPhoneUsers|90|1000|000000000000000000000000");
        assert_eq!(
            decode(key, &forged, "listPhoneUsers", 2_000, 900_000),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            decode(key, "%%%", "listPhoneUsers", 2_000, 900_000),
            Err(TokenError::Invalid)
        );
    }
}
