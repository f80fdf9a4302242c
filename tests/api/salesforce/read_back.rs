//! Reading created records back: sObject retrieve by 15- or 18-character id, and SOQL with paging.

use std::collections::HashSet;

use super::*;
use crate::support::{assert_contract, TestServer};

#[tokio::test]
async fn sobjects_read_back_by_15_or_18_character_id() {
    let s = TestServer::start().await;
    let auth = auth();
    let created = create(&s, &auth, &full_body()).await.json;
    let id = created["engagementInteraction"]["id"].as_str().unwrap();
    let attendee = created["engagementInteraction"]["engagementAttendees"][0]["id"]
        .as_str()
        .unwrap();
    let a = s
        .get(
            &format!("{V}/sobjects/EngagementInteraction/{}", &id[..15]),
            &auth,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "sobjects.get.response.json", &a.json);
    assert_eq!(a.json["Id"], id);
    assert_eq!(a.json["attributes"]["type"], "EngagementInteraction");
    assert_eq!(a.json["StartDateTime"], "2022-04-17T12:00:00.000+0000");
    assert_eq!(a.json["samplePercentage__c"], 17);
    insta::assert_json_snapshot!("salesforce_sobject_interaction", a.status_and_body(), {
        ".body.Id" => "[id]", ".body.OwnerId" => "[id]", ".body.CreatedById" => "[id]",
        ".body.LastModifiedById" => "[id]", ".body.attributes.url" => "[url]",
        ".body.CreatedDate" => "[date]", ".body.LastModifiedDate" => "[date]", ".body.SystemModstamp" => "[date]",
    });
    // 18-character ids are case-insensitive.
    let a = s
        .get(
            &format!(
                "{V}/sobjects/engagementattendee/{}",
                attendee.to_lowercase()
            ),
            &auth,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json["EngagementId"], id);
    assert_eq!(a.json["ExternalAttendeeId"], "003xx000004TmiQAAS");
    let a = s
        .get(
            &format!("{V}/sobjects/EngagementAttendee/{attendee}?fields=Id,Role"),
            &auth,
        )
        .await;
    assert_eq!(a.json.as_object().unwrap().len(), 3, "{}", a.text);
    assert_eq!(a.json["Role"], "Self");
    assert_error(
        &s.get(
            &format!("{V}/sobjects/EngagementAttendee/{attendee}?fields=Nope"),
            &auth,
        )
        .await,
        400,
        "INVALID_FIELD",
    );
}

#[tokio::test]
async fn sobjects_of_another_type_unknown_or_not_an_id_are_not_found() {
    let s = TestServer::start().await;
    let auth = auth();
    let id = created_id(&create(&s, &auth, &minimal_body()).await);
    assert_error(
        &s.get(&format!("{V}/sobjects/EngagementTopic/{id}"), &auth)
            .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &s.get(&format!("{V}/sobjects/Account/{id}"), &auth).await,
        404,
        "NOT_FOUND",
    );
    let a = s
        .get(&format!("{V}/sobjects/EngagementInteraction/nope"), &auth)
        .await;
    assert_error(&a, 404, "NOT_FOUND");
    assert!(a.json[0]["message"]
        .as_str()
        .unwrap()
        .contains("external ID"));
}

#[tokio::test]
async fn query_selects_filters_and_counts() {
    let s = TestServer::start().await;
    let auth = auth();
    let created = create(&s, &auth, &full_body()).await.json;
    let id = created["engagementInteraction"]["id"].as_str().unwrap();
    create(&s, &auth, &minimal_body()).await;
    let q = |soql: &str| {
        format!(
            "{V}/query?q={}",
            soql.replace(' ', "+").replace('\'', "%27")
        )
    };
    let a = s
        .get(
            &q(&format!(
                "SELECT Id, Name FROM EngagementTopic WHERE EngagementId = '{}'",
                &id[..15]
            )),
            &auth,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "query.run.response.json", &a.json);
    assert_eq!(a.json["totalSize"], 2);
    assert_eq!(a.json["done"], true);
    assert_eq!(a.json["records"][0]["Name"], "Billing");
    insta::assert_json_snapshot!("salesforce_query", a.status_and_body(), {
        ".body.records[].Id" => "[id]", ".body.records[].attributes.url" => "[url]",
    });
    let a = s
        .get(
            &q("SELECT COUNT() FROM EngagementInteraction WHERE CommunicationChannel = 'web chat'"),
            &auth,
        )
        .await;
    assert_eq!(a.json["totalSize"], 1, "{}", a.text);
    // The trailing-slash form simple-salesforce sends.
    let a = s
        .get(
            &format!("{V}/query/?q=SELECT+Id+FROM+EngagementInteraction+ORDER+BY+Id+DESC+LIMIT+1"),
            &auth,
        )
        .await;
    assert_eq!(a.json["totalSize"], 1, "{}", a.text);
}

#[tokio::test]
async fn query_errors_name_what_is_wrong() {
    let s = TestServer::start().await;
    let auth = auth();
    for (soql, status, code) in [
        ("SELECT+FROM+EngagementInteraction", 400, "MALFORMED_QUERY"),
        ("SELECT+Id+FROM+Account", 400, "INVALID_TYPE"),
        (
            "SELECT+Bogus+FROM+EngagementInteraction",
            400,
            "INVALID_FIELD",
        ),
        ("", 400, "MALFORMED_QUERY"),
    ] {
        assert_error(
            &s.get(&format!("{V}/query?q={soql}"), &auth).await,
            status,
            code,
        );
    }
    assert_error(
        &s.get(&format!("{V}/query/01gxx0000000001AAA-200"), &auth)
            .await,
        400,
        "INVALID_QUERY_LOCATOR",
    );
}

#[tokio::test]
async fn query_pages_450_records_without_gap_or_duplicate() {
    let s = TestServer::start().await;
    let auth = auth();
    let mut created = HashSet::new();
    for _ in 0..450 {
        let a = create(&s, &auth, &minimal_body()).await;
        created.insert(
            a.json["engagementInteraction"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut seen = Vec::new();
    let mut url = format!("{V}/query?q=SELECT+Id+FROM+EngagementInteraction");
    let mut pages = 0;
    let mut locators = HashSet::new();
    loop {
        let a = s
            .send(
                s.http
                    .get(s.url(&url))
                    .header("Authorization", &auth)
                    .header("Sforce-Query-Options", "batchSize=200"),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.text);
        assert_eq!(a.json["totalSize"], 450);
        assert_contract("salesforce", "query.run.response.json", &a.json);
        pages += 1;
        seen.extend(
            a.json["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["Id"].as_str().unwrap().to_owned()),
        );
        // Records created between pages do not shift the result set.
        create(&s, &auth, &minimal_body()).await;
        match a.json["nextRecordsUrl"].as_str() {
            Some(next) => {
                // One locator for the whole result set; only the offset moves (`…/01g…-200`).
                locators.insert(next.rsplit_once('-').unwrap().0.to_owned());
                url = format!("/salesforce{next}");
            }
            None => break,
        }
    }
    assert_eq!(locators.len(), 1);
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 450);
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), created);
}
