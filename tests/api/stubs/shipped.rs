//! The stubs shipped in `stubs/`: Salesforce Account CRUD, DevRev accounts.create/get and Merge
//! contacts create/retrieve, each written then read back through the stubs alone.

use super::*;

#[tokio::test]
async fn salesforce_account_crud_through_the_shipped_stubs() {
    let s = with_shipped_stubs().await;
    let auth = bearer(&fresh_token("sfacct"));
    let base = "/salesforce/services/data/v62.0/sobjects/Account";
    let created = s
        .post(base, &auth, &json!({"Name": "Acme", "Industry": "Retail"}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["success"], true);
    let id = created.json["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 18);
    assert!(id.starts_with("001"), "{id}");
    assert_eq!(
        created.header("location"),
        Some(format!("/services/data/v62.0/sobjects/Account/{id}").as_str())
    );

    let read = s.get(&format!("{base}/{id}"), &auth).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["Name"], "Acme");
    assert_eq!(read.json["Id"], id.as_str());
    assert_eq!(read.json["attributes"]["type"], "Account");

    let patched = s
        .request(
            Method::PATCH,
            &format!("{base}/{id}"),
            &[("Authorization", &auth)],
            Some(&json!({"Name": "Acme Corp"})),
        )
        .await;
    assert_eq!(patched.status, 204, "{}", patched.text);
    assert!(patched.text.is_empty());
    let read = s.get(&format!("{base}/{id}"), &auth).await;
    assert_eq!(
        (read.json["Name"].clone(), read.json["Industry"].clone()),
        (json!("Acme Corp"), json!("Retail"))
    );

    assert_eq!(s.delete(&format!("{base}/{id}"), &auth).await.status, 204);
    let gone = s.get(&format!("{base}/{id}"), &auth).await;
    assert_eq!(gone.status, 404);
    assert_eq!(
        gone.json[0]["errorCode"], "NOT_FOUND",
        "Salesforce's own envelope: {}",
        gone.text
    );
}

#[tokio::test]
async fn devrev_accounts_create_then_get_through_the_shipped_stubs() {
    let s = with_shipped_stubs().await;
    let auth = bearer(&fresh_token("dvacct"));
    let created = s
        .post(
            "/devrev/accounts.create",
            &auth,
            &json!({"display_name": "Acme", "domains": ["acme.example"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["account"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("don:core:dvrv-us-1:devo/0:account/"), "{id}");

    let by_query = s.get(&format!("/devrev/accounts.get?id={id}"), &auth).await;
    assert_eq!(by_query.status, 200, "{}", by_query.text);
    assert_eq!(by_query.json["account"]["display_name"], "Acme");
    let by_body = s
        .post("/devrev/accounts.get", &auth, &json!({"id": id}))
        .await;
    assert_eq!(by_body.json, by_query.json);

    let missing = s
        .post(
            "/devrev/accounts.get",
            &auth,
            &json!({"id": "don:core:dvrv-us-1:devo/0:account/999999"}),
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json["type"], "not_found",
        "DevRev's own envelope: {}",
        missing.text
    );
}

#[tokio::test]
async fn merge_contacts_create_then_retrieve_beside_the_builtin() {
    let s = with_shipped_stubs().await;
    let token = fresh_token("mgct");
    let headers = [
        ("Authorization", bearer("key")),
        ("X-Account-Token", token.clone()),
    ];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = s
        .request(
            Method::POST,
            "/merge/api/crm/v1/contacts",
            &headers,
            Some(&json!({"model": {"first_name": "Ada", "last_name": "Lovelace"}})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["model"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created.json["warnings"], json!([]));

    let read = s
        .request(
            Method::GET,
            &format!("/merge/api/crm/v1/contacts/{id}"),
            &headers,
            None,
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["first_name"], "Ada");
    assert_eq!(read.json["id"], id.as_str());

    // The built-in still serves its seeded contacts on the same template.
    let list = s
        .request(Method::GET, "/merge/api/crm/v1/contacts", &headers, None)
        .await;
    let seeded = list.json["results"][0]["id"].as_str().unwrap().to_owned();
    let builtin = s
        .request(
            Method::GET,
            &format!("/merge/api/crm/v1/contacts/{seeded}"),
            &headers,
            None,
        )
        .await;
    assert_eq!(builtin.status, 200);
    assert_eq!(builtin.json["id"], seeded.as_str());
    let journal = s.admin_get("/requests?vendor=merge").await;
    let ops: Vec<&str> = journal.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["operation"].as_str())
        .collect();
    assert!(
        ops.contains(&"contacts.create") && ops.contains(&"contacts.retrieve"),
        "{ops:?}"
    );
}
