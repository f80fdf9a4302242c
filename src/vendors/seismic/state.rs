//! One tenant's Seismic records, shared by REST and MCP: the seller the token belongs to, the
//! Library's DSR templates and content versions, ended and upcoming meetings (all seeded, fake and
//! deterministic for the seed and token), and the rooms and link deliveries the tenant creates.

use std::collections::{BTreeMap, HashMap, VecDeque};

use fake::Fake;
use rand::rngs::StdRng;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ids;
use crate::clock::seeded_rng;
use crate::store::bytes::size_of;
use crate::store::{IdSource, RecordBytes, TenantStore, VendorSettings};

/// A Seismic user (the seller behind the token, or a meeting participant).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// A DSR template built by marketers in the Library. Fields beyond `templateId` and `title` are
/// kept as the admin API sent them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub template_id: String,
    pub title: String,
    /// Content versions every room made from the template starts with.
    pub content_version_ids: Vec<String>,
    pub created_at: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Library content version that can be added to a room.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentVersion {
    pub content_version_id: String,
    pub content_id: String,
    pub name: String,
    /// `Document`, `Video`, `Url` or `Page`; Page-type content cannot be added to a room.
    #[serde(rename = "type")]
    pub kind: String,
    pub format: String,
}

/// A meeting a follow-up room can be made from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meeting {
    pub meeting_id: String,
    pub title: String,
    /// `Ended` or `Scheduled`.
    pub status: String,
    pub start_date: String,
    pub content_version_ids: Vec<String>,
    pub participants: Vec<User>,
    pub contexts: Vec<Value>,
}

/// One content item of a room.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomContent {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_version_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub position: usize,
    pub external_url: String,
    pub internal_url: String,
    /// Item fields a REST create sent beyond the ones above (Seismic's are not documented).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Digital Sales Room.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dsr {
    #[serde(skip)]
    pub number: u64,
    pub id: String,
    pub name: String,
    /// `Active`, or `Draft` for a meeting follow-up.
    pub status: String,
    pub template_id: Option<String>,
    pub link_url: String,
    pub contents: Vec<RoomContent>,
    pub co_branding: Option<Value>,
    pub text: Option<Value>,
    pub image: Option<Value>,
    pub settings: Value,
    pub contexts: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_id: Option<String>,
    pub editors: Vec<User>,
    pub created_by: User,
    pub created_at: String,
    pub modified_at: String,
}

/// A recorded link delivery.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub dsr_id: String,
    pub recipients: Vec<Value>,
    pub link_url: String,
    pub created_at: String,
}

pub struct TenantData {
    /// The Seismic tenant name in links (`<slug>.seismic.com`).
    pub slug: String,
    pub user: User,
    pub templates: Vec<Template>,
    pub contents: Vec<ContentVersion>,
    pub meetings: Vec<Meeting>,
    /// Rooms by creation number, so list pages seek instead of scanning.
    pub dsrs: BTreeMap<u64, Dsr>,
    pub dsr_by_id: HashMap<String, u64>,
    pub deliveries: VecDeque<Delivery>,
    /// The rooms' sizes by number and the deliveries' total, for `--tenant-record-bytes`
    /// (counted again on restore, see [`TenantData::counted`]).
    pub(super) dsr_bytes: RecordBytes<u64>,
    pub(super) delivery_bytes: usize,
    pub(super) settings: VendorSettings,
    /// Room numbers, and the stream every id this tenant creates is drawn from: same seed, same
    /// request order, same ids; each restore draws from a new stream.
    pub(super) ids: IdSource,
}

/// Every tenant's Seismic records.
pub type Records = TenantStore<TenantData>;

/// The seed parts of a tenant's id stream.
pub(super) fn id_parts(key: &str) -> [&str; 2] {
    ["seismic", key]
}

const CONTENT_KINDS: &[(&str, &str)] = &[
    ("Document", "pdf"),
    ("Document", "pptx"),
    ("Video", "mp4"),
    ("Url", "url"),
    ("Document", "docx"),
    ("Page", "page"),
];
const CONTENT_TOPICS: &[&str] = &[
    "Platform Overview",
    "Security Whitepaper",
    "Customer Story",
    "ROI Calculator",
    "Implementation Guide",
    "Pricing Sheet",
    "Product Demo",
    "Mutual Action Plan",
    "Analyst Report",
    "Integration Brief",
    "Onboarding Checklist",
    "Executive Summary",
];
const TEMPLATE_TITLES: &[&str] = &[
    "Discovery Room",
    "Proposal Room",
    "Executive Briefing",
    "Mutual Action Plan",
    "Renewal Room",
];
const MEETING_KINDS: &[&str] = &["Discovery call", "Demo", "QBR", "Pricing review"];

fn fake_user(rng: &mut StdRng, domain: &str) -> User {
    let first: String = fake::faker::name::en::FirstName().fake_with_rng(rng);
    let last: String = fake::faker::name::en::LastName().fake_with_rng(rng);
    User {
        id: ids::uuid(rng),
        email: format!(
            "{}.{}@{domain}",
            first.to_lowercase().replace(' ', ""),
            last.to_lowercase().replace(['\'', ' '], "")
        ),
        first_name: first,
        last_name: last,
    }
}

impl TenantData {
    /// A tenant's seeded starting data: same seed and token, same templates, content and meetings.
    pub fn seeded(settings: VendorSettings, key: &str) -> TenantData {
        let seed = settings.seed;
        let mut rng = seeded_rng(seed, &["seismic-data", key]);
        let company: String = fake::faker::company::en::CompanyName().fake_with_rng(&mut rng);
        let slug: String = company
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect::<String>()
            .to_lowercase();
        let slug = if slug.is_empty() {
            "tenant".into()
        } else {
            slug
        };
        let user = fake_user(&mut rng, &format!("{slug}.example.com"));
        let contents: Vec<ContentVersion> = CONTENT_TOPICS
            .iter()
            .enumerate()
            .map(|(i, topic)| {
                let (kind, format) = CONTENT_KINDS[i % CONTENT_KINDS.len()];
                ContentVersion {
                    content_version_id: ids::uuid(&mut rng),
                    content_id: ids::uuid(&mut rng),
                    name: format!("{company} {topic}"),
                    kind: kind.to_owned(),
                    format: format.to_owned(),
                }
            })
            .collect();
        let addable: Vec<&ContentVersion> = contents.iter().filter(|c| c.kind != "Page").collect();
        let templates = TEMPLATE_TITLES
            .iter()
            .enumerate()
            .map(|(i, title)| Template {
                template_id: ids::uuid(&mut rng),
                title: (*title).to_owned(),
                // The last template has no content of its own.
                content_version_ids: if i + 1 == TEMPLATE_TITLES.len() {
                    Vec::new()
                } else {
                    (0..2)
                        .map(|j| {
                            addable[(i * 2 + j) % addable.len()]
                                .content_version_id
                                .clone()
                        })
                        .collect()
                },
                // Built by marketers before the tenant first called: fixed, seeded-data dates.
                created_at: format!("2025-0{}-15T09:30:00.000Z", i + 1),
                extra: Map::new(),
            })
            .collect();
        let meetings = (0..4)
            .map(|i| {
                let account: String =
                    fake::faker::company::en::CompanyName().fake_with_rng(&mut rng);
                let domain = format!(
                    "{}.example.com",
                    account
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect::<String>()
                        .to_lowercase()
                );
                let buyer = fake_user(&mut rng, &domain);
                let account_id: String = (0..15)
                    .map(|_| rng.random_range(b'A'..=b'Z') as char)
                    .collect();
                Meeting {
                    meeting_id: ids::uuid(&mut rng),
                    title: format!("{} with {account}", MEETING_KINDS[i % MEETING_KINDS.len()]),
                    // The last meeting is still to come; one ended meeting has no content.
                    status: if i == 3 { "Scheduled" } else { "Ended" }.to_owned(),
                    start_date: if i == 3 {
                        "2027-01-13T15:00:00.000Z".to_owned()
                    } else {
                        format!("2026-0{}-1{}T15:00:00.000Z", i + 1, i)
                    },
                    content_version_ids: if i == 2 {
                        Vec::new()
                    } else {
                        vec![addable[(i + 3) % addable.len()].content_version_id.clone()]
                    },
                    participants: vec![buyer],
                    contexts: vec![serde_json::json!({
                        "contextId": format!("001{account_id}"),
                        "contextName": account,
                        "contextType": "Account",
                        "systemId": "00D000000000001EAA",
                        "systemType": "Salesforce",
                    })],
                }
            })
            .collect();
        TenantData {
            slug,
            user,
            templates,
            contents,
            meetings,
            dsrs: BTreeMap::new(),
            dsr_by_id: HashMap::new(),
            deliveries: VecDeque::new(),
            dsr_bytes: RecordBytes::default(),
            delivery_bytes: 0,
            ids: IdSource::new(&settings, &id_parts(key)),
            settings,
        }
    }

    pub fn new_id(&mut self) -> String {
        ids::uuid(self.ids.rng())
    }

    pub fn new_link_id(&mut self) -> String {
        ids::link_id(self.ids.rng())
    }

    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.template_id == id)
    }

    pub fn content(&self, id: &str) -> Option<&ContentVersion> {
        self.contents.iter().find(|c| c.content_version_id == id)
    }

    pub fn meeting(&self, id: &str) -> Option<&Meeting> {
        self.meetings.iter().find(|m| m.meeting_id == id)
    }

    pub fn dsr(&self, id: &str) -> Option<&Dsr> {
        self.dsr_by_id.get(id).and_then(|n| self.dsrs.get(n))
    }

    pub fn dsr_mut(&mut self, id: &str) -> Option<&mut Dsr> {
        let n = *self.dsr_by_id.get(id)?;
        self.dsrs.get_mut(&n)
    }

    /// The same tenant with its rooms' and deliveries' bytes counted (after a restore).
    pub(super) fn counted(mut self) -> TenantData {
        self.dsr_bytes = RecordBytes::default();
        for (n, dsr) in &self.dsrs {
            self.dsr_bytes.set(*n, dsr);
        }
        self.delivery_bytes = self.deliveries.iter().map(size_of).sum();
        self
    }

    /// Stores a new room under the next number. While the rooms are at the record limit, or the
    /// new one would take them past `--tenant-record-bytes`, the oldest room goes first, with its
    /// id index entry and its link deliveries.
    pub fn insert(&mut self, mut dsr: Dsr) -> &Dsr {
        let adding = size_of(&dsr);
        while self
            .settings
            .over(self.dsrs.len(), self.dsr_bytes.total(), adding)
        {
            if !self.evict_oldest(None) {
                break;
            }
        }
        let n = self.ids.next_number();
        dsr.number = n;
        self.dsr_by_id.insert(dsr.id.clone(), n);
        self.dsr_bytes.set(n, &dsr);
        self.dsrs.entry(n).or_insert(dsr)
    }

    /// Counts a changed room's new size; past `--tenant-record-bytes` the oldest others go.
    pub fn resized(&mut self, id: &str) {
        let Some(n) = self.dsr_by_id.get(id).copied() else {
            return;
        };
        if let Some(dsr) = self.dsrs.get(&n) {
            self.dsr_bytes.set(n, dsr);
        }
        while self
            .settings
            .over(self.dsrs.len() - 1, self.dsr_bytes.total(), 0)
        {
            if !self.evict_oldest(Some(n)) {
                break;
            }
        }
    }

    /// Forgets the oldest room other than `keep`, with its deliveries; false when there is none.
    fn evict_oldest(&mut self, keep: Option<u64>) -> bool {
        let Some(n) = self.dsrs.keys().copied().find(|n| Some(*n) != keep) else {
            return false;
        };
        if let Some(oldest) = self.dsrs.remove(&n) {
            self.dsr_bytes.forget(&n);
            self.dsr_by_id.remove(&oldest.id);
            let (gone, kept): (Vec<Delivery>, Vec<Delivery>) = std::mem::take(&mut self.deliveries)
                .into_iter()
                .partition(|d| d.dsr_id == oldest.id);
            self.delivery_bytes -= gone.iter().map(size_of).sum::<usize>();
            self.deliveries = kept.into();
        }
        true
    }

    /// Records a link delivery; while the deliveries are at the record limit, or this one would
    /// take them past `--tenant-record-bytes`, the oldest delivery goes first.
    pub fn record_delivery(&mut self, delivery: Delivery) {
        let adding = size_of(&delivery);
        while self
            .settings
            .over(self.deliveries.len(), self.delivery_bytes, adding)
        {
            match self.deliveries.pop_front() {
                Some(old) => self.delivery_bytes -= size_of(&old),
                None => break,
            }
        }
        self.delivery_bytes += adding;
        self.deliveries.push_back(delivery);
    }

    /// Adds or replaces templates by `templateId`.
    pub fn upsert_templates(&mut self, templates: Vec<Template>) {
        for t in templates {
            match self
                .templates
                .iter_mut()
                .find(|old| old.template_id == t.template_id)
            {
                Some(old) => *old = t,
                None => self.templates.push(t),
            }
        }
    }

    /// Up to `limit` rooms after number `after` that `keep` accepts, and whether more follow.
    pub fn page(&self, after: u64, limit: usize, keep: impl Fn(&Dsr) -> bool) -> (Vec<&Dsr>, bool) {
        let mut items: Vec<&Dsr> = self
            .dsrs
            .range(after + 1..)
            .map(|(_, d)| d)
            .filter(|d| keep(d))
            .take(limit + 1)
            .collect();
        let more = items.len() > limit;
        items.truncate(limit);
        (items, more)
    }
}
