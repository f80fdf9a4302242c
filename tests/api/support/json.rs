//! Reading answers' JSON.

use serde_json::Value;

/// The string at `key` in each element of the array `items`, in order; panics when `items` is
/// not an array or an element has no string there.
pub fn strings<'a>(items: &'a Value, key: &str) -> Vec<&'a str> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"))
        .iter()
        .map(|item| {
            item[key]
                .as_str()
                .unwrap_or_else(|| panic!("no string '{key}' in {item}"))
        })
        .collect()
}

/// The ids of `vendor`'s operations in the admin catalogue (`GET /__admin/operations`), in order.
pub fn operation_ids<'a>(catalogue: &'a Value, vendor: &str) -> Vec<&'a str> {
    let ops = catalogue["operations"]
        .as_array()
        .unwrap_or_else(|| panic!("no operations: {catalogue}"));
    ops.iter()
        .filter(|o| o["vendor"] == vendor)
        .map(|o| o["id"].as_str().unwrap_or_else(|| panic!("no id: {o}")))
        .collect()
}
