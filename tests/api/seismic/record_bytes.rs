//! `--tenant-record-bytes` for Seismic: rooms and link deliveries each stay within the byte
//! budget, the oldest going first (a room with its deliveries), as Merge's and DevRev's records do.

use serde_json::json;

use super::{first_template, from_template, tenant_state};
use crate::support::json::strings;
use crate::support::{bearer, fresh_token, TestServer};

#[tokio::test]
async fn rooms_and_deliveries_stay_within_the_byte_budget() {
    let s = TestServer::configured(|c| c.tenant_record_bytes = 64 * 1024).await;
    let token = fresh_token("seismic-bytes");
    let template = first_template(&s, &token).await;
    let mut rooms = Vec::new();
    for i in 0..4 {
        let name = format!("{i}{}", "r".repeat(30_000));
        let a = from_template(&s, &token, &json!({"templateId": template, "name": name})).await;
        assert_eq!(a.status, 201, "{}", &a.text[..a.text.len().min(200)]);
        rooms.push(a.json["id"].as_str().unwrap().to_owned());
    }
    // Two rooms of 30 KB fit in 64 KiB, a third would not: the newest two are kept.
    for (i, id) in rooms.iter().enumerate() {
        let a = s
            .get(&format!("/seismic/dsr/v1/dsrs/{id}"), &bearer(&token))
            .await;
        assert_eq!(a.status, if i < 2 { 404 } else { 200 }, "room {i}");
    }
    // Deliveries of 30 KB to the newest room: the newest two are kept.
    for i in 0..4 {
        let first = format!("{i}{}", "d".repeat(30_000));
        let a = s
            .post(
                "/seismic/link-delivery/v1/deliveries",
                &bearer(&token),
                &json!({"dsrId": rooms[3], "recipients": [{"email": "b@example.com", "firstName": first}]}),
            )
            .await;
        assert_eq!(a.status, 201, "{}", &a.text[..a.text.len().min(200)]);
    }
    let state = tenant_state(&s, &token).await;
    let kept: Vec<char> = state["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["recipients"][0]["firstName"]
                .as_str()
                .unwrap()
                .chars()
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(kept, vec!['2', '3']);
    assert_eq!(
        strings(&state["deliveries"], "dsrId"),
        [&rooms[3], &rooms[3]]
    );
}
