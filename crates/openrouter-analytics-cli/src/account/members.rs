//! `openrouter members`: the organization's members, every page.

use std::io;

use openrouter_analytics::WithRawBody;
use openrouter_analytics::types::{
    ListOrganizationMembersResponse, ListOrganizationMembersResponseDataItem,
};

use super::view;
use super::{Context, Output};
use crate::exit::Failure;
use crate::output::sheet::{Field, text, write_rows};
use crate::output::table::{Align, Table};
use crate::output::{Format, Out, Style};

/// The CSV header: the API's field names.
const CSV_FIELDS: [Field<ListOrganizationMembersResponseDataItem>; 5] = [
    (text("id"), |member| Ok(member.id.clone())),
    (text("first_name"), |member| {
        Ok(member.first_name.clone().unwrap_or_default())
    }),
    (text("last_name"), |member| {
        Ok(member.last_name.clone().unwrap_or_default())
    }),
    (text("email"), |member| Ok(member.email.clone())),
    (text("role"), |member| Ok(member.role.to_string())),
];

/// Every page of `GET /organization/members`.
pub async fn fetch_all(
    ctx: &Context<'_>,
) -> Result<Vec<WithRawBody<ListOrganizationMembersResponse>>, Failure> {
    ctx.describe("GET", "/organization/members (every page)");
    ctx.call(
        "listing members",
        ctx.client.organization().list_members().send_all_pages(),
    )
    .await
}

/// `openrouter members`.
pub async fn list(ctx: &Context<'_>, style: Style) -> Result<Output, Failure> {
    let pages = fetch_all(ctx).await?;
    if style.format == Format::Json {
        let items = view::page_items(pages.iter().map(|page| &page.raw_body[..]))
            .map_err(|err| Failure::other(format!("listing members: {err}")))?;
        return Output::render(style, |out| view::write_list_json(out, &items));
    }
    let members: Vec<_> = pages.into_iter().flat_map(|page| page.value.data).collect();
    Output::render(style, |out| match style.format {
        Format::Csv => members_csv(&members, out),
        _ => members_table(&members, out),
    })
}

/// First and last name, whichever the member gave.
pub fn full_name(member: &ListOrganizationMembersResponseDataItem) -> String {
    [member.first_name.as_deref(), member.last_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn members_table(
    members: &[ListOrganizationMembersResponseDataItem],
    out: &mut Out<'_>,
) -> io::Result<()> {
    let mut table = Table::new([
        ("ID", Align::Left),
        ("NAME", Align::Left),
        ("EMAIL", Align::Left),
        ("ROLE", Align::Left),
    ]);
    for member in members {
        table.row(vec![
            member.id.clone(),
            full_name(member),
            member.email.clone(),
            member.role.to_string(),
        ]);
    }
    table.write(out)
}

fn members_csv(
    members: &[ListOrganizationMembersResponseDataItem],
    out: &mut Out<'_>,
) -> io::Result<()> {
    write_rows(out, &CSV_FIELDS, members)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(first: Option<&str>, last: Option<&str>) -> ListOrganizationMembersResponseDataItem {
        serde_json::from_value(serde_json::json!({
            "id": "user_1", "email": "a@example.com", "role": "org_member",
            "first_name": first, "last_name": last
        }))
        .expect("a member")
    }

    #[test]
    fn names_join_what_is_there() {
        assert_eq!(
            full_name(&member(Some("Ada"), Some("Lovelace"))),
            "Ada Lovelace"
        );
        assert_eq!(full_name(&member(Some("Ada"), None)), "Ada");
        assert_eq!(full_name(&member(None, Some("李"))), "李");
        assert_eq!(full_name(&member(Some(" "), None)), "");
    }
}
