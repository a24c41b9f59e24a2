//! `activity --key NAME_OR_HASH` and `--user EMAIL_OR_ID`: from what people know (a
//! key's name, a colleague's email) to the hash and id the API filters by.

use openrouter_analytics::types::{ApiKey, ListOrganizationMembersResponseDataItem};

use super::{Context, keys, members};
use crate::exit::Failure;

/// The most candidates an error lists before saying how many more there are.
const MAX_CANDIDATES: usize = 10;

/// The hash of the key `wanted` names, looked up in every page of the keys list
/// (disabled keys included: their past activity is still there).
pub async fn key_hash(ctx: &Context<'_>, wanted: &str) -> Result<String, Failure> {
    let pages = keys::fetch_all(ctx, true, None).await?;
    let all: Vec<_> = pages.into_iter().flat_map(|page| page.value.data).collect();
    match_key(&all, wanted).map_err(Failure::usage)
}

/// The id of the member `wanted` names, looked up in every page of the members list.
pub async fn user_id(ctx: &Context<'_>, wanted: &str) -> Result<String, Failure> {
    let pages = members::fetch_all(ctx).await?;
    let all: Vec<_> = pages.into_iter().flat_map(|page| page.value.data).collect();
    match_member(&all, wanted).map_err(Failure::usage)
}

/// The key whose hash is `wanted`, else whose name is exactly `wanted`, else the only
/// one whose name matches ignoring case. Several matches at one step, or none at
/// all, is an error that lists the candidates.
pub fn match_key(keys: &[ApiKey], wanted: &str) -> Result<String, String> {
    let wanted = wanted.trim();
    let describe = |key: &&ApiKey| format!("{:?} ({})", key.name, key.hash);
    if let Some(key) = keys.iter().find(|key| key.hash == wanted) {
        return Ok(key.hash.clone());
    }
    let lowered = wanted.to_lowercase();
    let steps: [&dyn Fn(&ApiKey) -> bool; 2] = [&|key| key.name == wanted, &|key| {
        key.name.to_lowercase() == lowered
    }];
    for matches in steps {
        let found: Vec<_> = keys.iter().filter(|key| matches(key)).collect();
        match found.as_slice() {
            [] => continue,
            [key] => return Ok(key.hash.clone()),
            several => {
                return Err(format!(
                    "--key {wanted:?} matches {} API keys: {}; pass the hash of the one you mean",
                    several.len(),
                    list(several.iter().map(describe))
                ));
            }
        }
    }
    if keys.is_empty() {
        return Err(format!("--key {wanted:?}: the account has no API keys"));
    }
    Err(format!(
        "--key {wanted:?} is not the name or hash of an API key; the keys are: {}",
        list(keys.iter().map(|key| describe(&key)))
    ))
}

/// The member whose id is `wanted`, else the only one whose email matches ignoring
/// case; none, or several, is an error that lists the candidates.
pub fn match_member(
    members: &[ListOrganizationMembersResponseDataItem],
    wanted: &str,
) -> Result<String, String> {
    let wanted = wanted.trim();
    let describe = |member: &&ListOrganizationMembersResponseDataItem| {
        format!("{} ({})", member.email, member.id)
    };
    if let Some(member) = members.iter().find(|member| member.id == wanted) {
        return Ok(member.id.clone());
    }
    let lowered = wanted.to_lowercase();
    let found: Vec<_> = members
        .iter()
        .filter(|member| member.email.to_lowercase() == lowered)
        .collect();
    match found.as_slice() {
        [member] => Ok(member.id.clone()),
        [] if members.is_empty() => Err(format!(
            "--user {wanted:?}: the organization has no members"
        )),
        [] => Err(format!(
            "--user {wanted:?} is not the email or id of a member; the members are: {}",
            list(members.iter().map(|member| describe(&member)))
        )),
        several => Err(format!(
            "--user {wanted:?} matches {} members: {}; pass the id of the one you mean",
            several.len(),
            list(several.iter().map(describe))
        )),
    }
}

/// `a, b, c` with at most [`MAX_CANDIDATES`] items, then how many more.
fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let mut text = items
        .iter()
        .take(MAX_CANDIDATES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > MAX_CANDIDATES {
        text.push_str(&format!(" and {} more", items.len() - MAX_CANDIDATES));
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key(name: &str, hash: &str) -> ApiKey {
        serde_json::from_value(json!({
            "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
            "byok_usage_weekly": 0.0, "created_at": "2026-01-01T00:00:00Z",
            "creator_user_id": null, "disabled": false, "expires_at": null,
            "external_user": null, "hash": hash, "include_byok_in_limit": false,
            "label": "sk-or-v1-a...b", "last_used_at": null, "limit": null,
            "limit_remaining": null, "limit_reset": null, "name": name, "updated_at": null,
            "usage": 0.0, "usage_daily": 0.0, "usage_monthly": 0.0, "usage_weekly": 0.0,
            "workspace_id": "ws"
        }))
        .expect("a key")
    }

    fn member(id: &str, email: &str) -> ListOrganizationMembersResponseDataItem {
        serde_json::from_value(json!({
            "id": id, "email": email, "role": "org_member", "first_name": null, "last_name": null
        }))
        .expect("a member")
    }

    #[test]
    fn keys_resolve_by_hash_then_exact_name_then_unique_name_ignoring_case() {
        let keys = [
            key("Prod", "h1"),
            key("prod", "h2"),
            key("CI bot 🤖", "h3"),
            key("h1", "h4"),
            key("Staging", "h5"),
            key("STAGING", "h6"),
        ];
        assert_eq!(
            match_key(&keys, "h1"),
            Ok("h1".into()),
            "a hash wins over a name"
        );
        assert_eq!(
            match_key(&keys, "prod"),
            Ok("h2".into()),
            "exact name first"
        );
        assert_eq!(match_key(&keys, "ci BOT 🤖"), Ok("h3".into()));
        let err = match_key(&keys, "PROD").expect_err("two names match ignoring case");
        assert!(err.contains("matches 2 API keys"), "{err}");
        assert!(
            err.contains("\"Prod\" (h1)") && err.contains("\"prod\" (h2)"),
            "{err}"
        );
        let err = match_key(&keys, "staging").expect_err("ambiguous");
        assert!(err.contains("h5") && err.contains("h6"), "{err}");
        let err = match_key(&keys, "nope").expect_err("unknown");
        assert!(
            err.contains("the keys are:") && err.contains("\"Staging\" (h5)"),
            "{err}"
        );
        assert!(
            match_key(&[], "x")
                .expect_err("none")
                .contains("no API keys")
        );
    }

    #[test]
    fn members_resolve_by_id_then_email_ignoring_case() {
        let members = [
            member("user_1", "Ada@Example.com"),
            member("user_2", "bob@example.com"),
        ];
        assert_eq!(match_member(&members, "user_2"), Ok("user_2".into()));
        assert_eq!(
            match_member(&members, "ada@example.COM"),
            Ok("user_1".into())
        );
        let err = match_member(&members, "carol@example.com").expect_err("unknown");
        assert!(
            err.contains("Ada@Example.com (user_1), bob@example.com (user_2)"),
            "{err}"
        );
        let twins = [member("u1", "a@x.io"), member("u2", "A@x.io")];
        let err = match_member(&twins, "a@X.io").expect_err("ambiguous");
        assert!(err.contains("matches 2 members"), "{err}");
    }

    #[test]
    fn long_candidate_lists_are_cut() {
        let text = list((0..13).map(|n| n.to_string()));
        assert_eq!(text, "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 3 more");
    }
}
