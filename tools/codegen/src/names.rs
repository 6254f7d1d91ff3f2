//! Mechanical name derivation, the same for operationIds, tags and property
//! names, so a user can guess a method name from Zoom's reference page.
//!
//! Words are found by: dropping apostrophes (`GetAccount'sFaxLogs` reads as
//! `GetAccountsFaxLogs`), splitting on anything not ASCII alphanumeric, then
//! splitting camel humps: before an upper-case letter that follows a lower-case
//! letter or digit (`listCall` -> `list`, `Call`), and before the last capital
//! of an acronym that is followed by a lower-case letter (`SMSCampaign` ->
//! `SMS`, `Campaign`). Digits stay with the word they follow (`v2`).

/// The words of `name`, as written.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in name
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
        .map(|c| c.replace('\'', ""))
        .filter(|c| !c.is_empty())
    {
        let chars: Vec<char> = chunk.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = if i > 0 {
                chars.get(i - 1).copied()
            } else {
                None
            };
            let next = chars.get(i + 1).copied();
            let boundary = c.is_ascii_uppercase()
                && match prev {
                    Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                    Some(p) if p.is_ascii_uppercase() => {
                        next.is_some_and(|n| n.is_ascii_lowercase())
                    }
                    _ => false,
                };
            if boundary && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c);
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

/// `listCallQueues` -> `list_call_queues`; `Call Queues` -> `call_queues`.
pub fn snake_case(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `ListSMSCampaigns` -> `listSmsCampaigns`.
pub fn camel_case(name: &str) -> String {
    let mut out = String::new();
    for (i, w) in words(name).iter().enumerate() {
        if i == 0 {
            out.push_str(&w.to_ascii_lowercase());
        } else {
            out.push_str(&capitalize(w));
        }
    }
    out
}

/// `list_call_queues` -> `ListCallQueues`; `IVR` -> `Ivr`.
pub fn pascal_case(name: &str) -> String {
    words(name).iter().map(|w| capitalize(w)).collect()
}

fn capitalize(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_humps_acronyms_and_separators() {
        assert_eq!(snake_case("listCallQueues"), "list_call_queues");
        assert_eq!(snake_case("ListSMSCampaigns"), "list_sms_campaigns");
        assert_eq!(snake_case("GetAccount'sFaxLogs"), "get_accounts_fax_logs");
        assert_eq!(snake_case("Getuser'sfaxlogs"), "getusersfaxlogs");
        assert_eq!(
            snake_case("Dial by Name Directory"),
            "dial_by_name_directory"
        );
        assert_eq!(snake_case("IVR"), "ivr");
        assert_eq!(snake_case("next_page_token"), "next_page_token");
        assert_eq!(snake_case("getV2Items"), "get_v2_items");
        assert_eq!(snake_case("e911Address"), "e911_address");
    }

    #[test]
    fn camel_and_pascal_case_use_the_same_words() {
        assert_eq!(camel_case("ListSMSCampaigns"), "listSmsCampaigns");
        assert_eq!(camel_case("list_call_queues"), "listCallQueues");
        assert_eq!(pascal_case("Call Queues"), "CallQueues");
        assert_eq!(pascal_case("Forward to Voicemail"), "ForwardToVoicemail");
        assert_eq!(pascal_case("IVR"), "Ivr");
        assert_eq!(pascal_case(""), "");
    }
}
