//! What the API does not say about models: `models --sort price|name`, cheapest first
//! by the price per million tokens (the API's own `sort` is left to `openrouter api
//! models list`).

use serde_json::Value;

use crate::output::list::RawItem;
use crate::output::resource::price_per_million;
use crate::verb::Order;

/// `models --sort`.
pub const ORDER: Order = Order {
    help: "Order: price (prompt price, then completion price, cheapest first) or name \
           [default: the API's order]",
    keys: &["price", "name"],
    sort: sort_models::<RawItem>,
};

/// A model's price per million tokens (`prompt` or `completion`); one that varies or
/// is missing sorts last.
fn price(model: &Value, which: &str) -> f64 {
    price_per_million(&model["pricing"][which]).unwrap_or(f64::INFINITY)
}

/// Sorts models (stable): by prompt then completion price, or by id.
fn sort_models<T>(rows: &mut [(Value, T)], by: &str) {
    rows.sort_by(|(a, _), (b, _)| match by {
        "price" => price(a, "prompt")
            .total_cmp(&price(b, "prompt"))
            .then(price(a, "completion").total_cmp(&price(b, "completion"))),
        _ => a["id"]
            .as_str()
            .unwrap_or_default()
            .cmp(b["id"].as_str().unwrap_or_default()),
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn prices_per_token_become_dollars_per_million_and_sort_cheapest_first() {
        assert_eq!(price_per_million(&json!("0.000003")), Some(3.0));
        assert_eq!(price_per_million(&json!("0.00000015")), Some(0.15));
        assert_eq!(price_per_million(&json!("0")), Some(0.0));
        assert_eq!(price_per_million(&json!("-1")), None);
        assert_eq!(price_per_million(&json!("n/a")), None);
        let model = |id: &str, prompt: &str| json!({"id": id, "pricing": {"prompt": prompt, "completion": "0"}});
        let mut rows = vec![
            (model("c", "-1"), ()),
            (model("b", "0.000003"), ()),
            (model("a", "0.0000003"), ()),
        ];
        sort_models(&mut rows, "price");
        let ids: Vec<&str> = rows.iter().filter_map(|(m, _)| m["id"].as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        sort_models(&mut rows, "name");
        let ids: Vec<&str> = rows.iter().filter_map(|(m, _)| m["id"].as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
    }
}
