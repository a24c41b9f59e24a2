//! `activity --key NAME_OR_HASH` and `--user EMAIL_OR_ID`: from what people know (a
//! key's name, a colleague's email) to the hash and id the API filters by.

use openrouter_analytics::ops;
use serde_json::Value;

use crate::exit::Failure;
use crate::verb::{Context, call as by_name};

/// The most candidates an error lists before saying how many more there are.
const MAX_CANDIDATES: usize = 10;

/// Every item of a list that has the text field `id` (the one a lookup returns), read
/// tolerantly: a lookup needs only the fields it matches on.
async fn all(
    ctx: &Context<'_>,
    label: &str,
    op: &'static openrouter_analytics::OperationInfo,
    args: &[(String, String)],
    id: &str,
) -> Result<Vec<Value>, Failure> {
    let list = by_name::items(ctx, label, op, args).await?;
    Ok(list
        .items
        .into_iter()
        .map(|(item, _)| item)
        .filter(|item| item[id].is_string())
        .collect())
}

/// The hash of the key `wanted` names, looked up in every page of the keys list
/// (disabled keys included: their past activity is still there).
pub async fn key_hash(ctx: &Context<'_>, wanted: &str) -> Result<String, Failure> {
    let args = [("include_disabled".to_string(), "true".to_string())];
    let keys = all(ctx, "listing API keys", ops::API_KEYS_LIST, &args, "hash").await?;
    match_key(&keys, wanted).map_err(Failure::usage)
}

/// The id of the member `wanted` names, looked up in every page of the members list.
pub async fn user_id(ctx: &Context<'_>, wanted: &str) -> Result<String, Failure> {
    let members = all(
        ctx,
        "listing members",
        ops::ORGANIZATION_LIST_MEMBERS,
        &[],
        "id",
    )
    .await?;
    match_member(&members, wanted).map_err(Failure::usage)
}

/// A text field of an item, blank when it is not there.
fn text<'a>(item: &'a Value, field: &str) -> &'a str {
    item[field].as_str().unwrap_or_default()
}

/// The key whose hash is `wanted`, else whose name is exactly `wanted`, else the only
/// one whose name matches ignoring case. Several matches at one step, or none at
/// all, is an error that lists the candidates.
pub fn match_key(keys: &[Value], wanted: &str) -> Result<String, String> {
    let wanted = wanted.trim();
    let hash = |key: &Value| text(key, "hash").to_string();
    let name = |key: &Value| text(key, "name").to_string();
    let describe = |key: &&Value| format!("{:?} ({})", name(key), hash(key));
    if let Some(key) = keys.iter().find(|key| hash(key) == wanted) {
        return Ok(hash(key));
    }
    let lowered = wanted.to_lowercase();
    let steps: [&dyn Fn(&Value) -> bool; 2] = [&|key| name(key) == wanted, &|key| {
        name(key).to_lowercase() == lowered
    }];
    for matches in steps {
        let found: Vec<_> = keys.iter().filter(|key| matches(key)).collect();
        match found.as_slice() {
            [] => continue,
            [key] => return Ok(hash(key)),
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
pub fn match_member(members: &[Value], wanted: &str) -> Result<String, String> {
    let wanted = wanted.trim();
    let id = |member: &Value| text(member, "id").to_string();
    let describe = |member: &&Value| format!("{} ({})", text(member, "email"), id(member));
    if let Some(member) = members.iter().find(|member| id(member) == wanted) {
        return Ok(id(member));
    }
    let lowered = wanted.to_lowercase();
    let found: Vec<_> = members
        .iter()
        .filter(|member| text(member, "email").to_lowercase() == lowered)
        .collect();
    match found.as_slice() {
        [member] => Ok(id(member)),
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

    fn key(name: &str, hash: &str) -> Value {
        json!({"hash": hash, "name": name, "usage": 0.0})
    }

    fn member(id: &str, email: &str) -> Value {
        json!({"id": id, "email": email, "role": "org_member"})
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
