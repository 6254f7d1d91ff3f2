//! What a host's own token source may answer, read the same way in every
//! host: the access token as a string, or an object with `access_token`
//! (or `accessToken`) and optionally `expires_in` (seconds) or `expires_at`
//! (ms since the epoch), `refresh_token`, `api_url`, `scopes`, `token_type`.

use std::time::Duration;

use serde_json::Value;

use super::token::TokenSet;
use crate::secret::Secret;
use crate::time::Timestamp;

impl TokenSet {
    /// A token source's answer received at `now`. `Err` names what is wrong
    /// (never the token itself).
    pub fn from_source_answer(answer: &Value, now: Timestamp) -> Result<TokenSet, String> {
        let object = match answer {
            Value::String(token) => {
                return TokenSet::from_parts(token, None, None, None, Vec::new(), None);
            }
            Value::Object(map) => map,
            _ => {
                return Err(
                    "the token source must answer a string or an object with access_token"
                        .to_owned(),
                );
            }
        };
        let get = |snake: &str, camel: &str| {
            object
                .get(snake)
                .or_else(|| object.get(camel))
                .filter(|v| !v.is_null())
        };
        let text = |snake: &str, camel: &str| -> Result<Option<String>, String> {
            match get(snake, camel) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("the token source's {snake} must be a string")),
            }
        };
        let access = text("access_token", "accessToken")?
            .ok_or("the token source's answer has no access_token")?;
        let expires_at = match (
            get("expires_at", "expiresAt"),
            get("expires_in", "expiresIn"),
        ) {
            (Some(at), _) => Some(Timestamp::from_millis(
                at.as_f64()
                    .filter(|ms| ms.is_finite() && *ms >= 0.0)
                    .ok_or("the token source's expires_at must be ms since the epoch")?
                    as u64,
            )),
            (None, Some(secs)) => {
                let secs = secs
                    .as_f64()
                    .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 1e9)
                    .ok_or("the token source's expires_in must be a number of seconds")?;
                Some(now.saturating_add(Duration::from_secs_f64(secs)))
            }
            (None, None) => None,
        };
        let scopes = match get("scopes", "scopes") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or("the token source's scopes must be strings")?,
            Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
            Some(_) => return Err("the token source's scopes must be a list".to_owned()),
        };
        TokenSet::from_parts(
            &access,
            text("refresh_token", "refreshToken")?,
            expires_at,
            text("api_url", "apiUrl")?,
            scopes,
            text("token_type", "tokenType")?,
        )
    }

    fn from_parts(
        access: &str,
        refresh: Option<String>,
        expires_at: Option<Timestamp>,
        api_url: Option<String>,
        scopes: Vec<String>,
        token_type: Option<String>,
    ) -> Result<TokenSet, String> {
        if access.trim().is_empty() {
            return Err("the token source answered an empty access token".to_owned());
        }
        if access.chars().any(char::is_control) {
            return Err("the token source's access token contains control characters".to_owned());
        }
        Ok(TokenSet {
            access_token: Secret::new(access),
            refresh_token: refresh.filter(|r| !r.is_empty()).map(Secret::new),
            token_type: token_type.unwrap_or_else(|| "bearer".to_owned()),
            scopes,
            expires_at,
            api_url: api_url.map(|u| u.trim_end_matches('/').to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_objects_and_both_spellings() {
        let now = Timestamp::from_millis(1_000);
        let t = TokenSet::from_source_answer(&json!("tok"), now).unwrap();
        assert_eq!((t.access_token.expose(), t.expires_at), ("tok", None));
        let t = TokenSet::from_source_answer(&json!({"accessToken": "a", "expiresIn": 60}), now)
            .unwrap();
        assert_eq!(t.expires_at, Some(Timestamp::from_millis(61_000)));
        let t =
            TokenSet::from_source_answer(&json!({"access_token": "a", "expires_at": 5000}), now)
                .unwrap();
        assert_eq!(t.expires_at, Some(Timestamp::from_millis(5_000)));
        for bad in [
            json!(42),
            json!({}),
            json!({"access_token": ""}),
            json!({"access_token": "a\r\nX"}),
            json!({"access_token": "a", "expires_in": -1}),
        ] {
            let err = TokenSet::from_source_answer(&bad, now).unwrap_err();
            assert!(!err.contains("a\r\nX"), "{err}");
        }
    }
}
