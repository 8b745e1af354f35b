//! The columns of each export and a record's values in them, named as the API names the
//! fields; ids are the API's global IDs. Contact details are columns only for callers who may
//! see them.

use entity::{cluster, matchmaking_event, partnership, success_story};
use sea_orm::ActiveEnum;
use serde_json::{json, Value};

use crate::{
    domain::{
        cluster::lists::ClusterLists,
        export::{Kind, Page},
    },
    graphql::node,
};

const CLUSTER_COLUMNS: &[&str] = &[
    "id",
    "slug",
    "name",
    "localName",
    "acronym",
    "kind",
    "country",
    "region",
    "city",
    "website",
    "description",
    "language",
    "foundedYear",
    "managementStaff",
    "membersTotal",
    "membersSme",
    "membersStartUp",
    "membersLargeCompany",
    "membersResearch",
    "membersOther",
    "ecosystems",
    "emergingIndustries",
    "technologies",
    "targetCountries",
    "label",
    "labelExpiresOn",
    "status",
    "representedById",
    "latitude",
    "longitude",
    "createdAt",
    "updatedAt",
];
const CONTACT_COLUMNS: &[&str] = &["contactPerson", "contactEmail", "contactPhone"];
const PARTNERSHIP_COLUMNS: &[&str] = &[
    "id",
    "name",
    "acronym",
    "kind",
    "description",
    "startsOn",
    "endsOn",
    "fundingProgramme",
    "fundingEur",
    "status",
    "createdAt",
    "updatedAt",
];
const STORY_COLUMNS: &[&str] = &[
    "id",
    "title",
    "summary",
    "body",
    "language",
    "outcome",
    "beganIn",
    "partnershipId",
    "matchmakingEventId",
    "status",
    "publishedAt",
    "createdAt",
    "updatedAt",
];
const EVENT_COLUMNS: &[&str] = &[
    "id",
    "name",
    "description",
    "venue",
    "onlineUrl",
    "timeZone",
    "slotMinutes",
    "tableCount",
    "registrationDeadline",
    "requestDeadline",
    "allowsC2c",
    "allowsC2b",
    "allowsB2b",
    "status",
    "createdAt",
    "updatedAt",
];

/// The columns of an export of `kind`.
pub fn columns(kind: Kind, contact: bool) -> Vec<&'static str> {
    match kind {
        Kind::Clusters if contact => [CLUSTER_COLUMNS, CONTACT_COLUMNS].concat(),
        Kind::Clusters => CLUSTER_COLUMNS.to_vec(),
        Kind::Partnerships => PARTNERSHIP_COLUMNS.to_vec(),
        Kind::SuccessStories => STORY_COLUMNS.to_vec(),
        Kind::Events => EVENT_COLUMNS.to_vec(),
    }
}

fn code<E: ActiveEnum<Value = String>>(value: &E) -> Value {
    Value::String(value.to_value())
}

fn codes<E: ActiveEnum<Value = String>>(values: &[E]) -> Value {
    Value::Array(values.iter().map(code).collect())
}

/// Each record of the page, its values in the order of [`columns`].
pub fn values(page: Page, contact: bool) -> Vec<Vec<Value>> {
    match page {
        Page::Clusters(rows) => rows.into_iter().map(|(m, l)| cluster_values(m, l, contact)).collect(),
        Page::Partnerships(rows) => rows.into_iter().map(partnership_values).collect(),
        Page::SuccessStories(rows) => rows.into_iter().map(story_values).collect(),
        Page::Events(rows) => rows.into_iter().map(event_values).collect(),
    }
}

fn cluster_values(m: cluster::Model, l: ClusterLists, contact: bool) -> Vec<Value> {
    let mut values = vec![
        json!(node::encode(crate::graphql::cluster::TYPE_NAME, m.id).0),
        json!(m.slug),
        json!(m.name),
        json!(m.local_name),
        json!(m.acronym),
        code(&m.kind),
        json!(m.country),
        json!(m.region),
        json!(m.city),
        json!(m.website),
        json!(m.description),
        json!(m.language),
        json!(m.founded_year),
        m.management_staff.as_ref().map_or(Value::Null, code),
        json!(m.members_total),
        json!(m.members_sme),
        json!(m.members_start_up),
        json!(m.members_large_company),
        json!(m.members_research),
        json!(m.members_other),
        codes(&l.ecosystems),
        codes(&l.emerging_industries),
        json!(l.technologies),
        json!(l.target_countries),
        code(&m.label),
        json!(m.label_expires_on.map(|d| d.to_string())),
        code(&m.status),
        json!(m
            .represented_by_id
            .map(|id| node::encode(crate::graphql::partner_organisation::TYPE_NAME, id).0)),
        json!(m.latitude),
        json!(m.longitude),
        json!(m.created_at.to_rfc3339()),
        json!(m.updated_at.to_rfc3339()),
    ];
    if contact {
        values.extend([json!(m.contact_person), json!(m.contact_email), json!(m.contact_phone)]);
    }
    values
}

fn partnership_values(m: partnership::Model) -> Vec<Value> {
    vec![
        json!(node::encode(crate::graphql::partnership::TYPE_NAME, m.id).0),
        json!(m.name),
        json!(m.acronym),
        code(&m.kind),
        json!(m.description),
        json!(m.starts_on.map(|d| d.to_string())),
        json!(m.ends_on.map(|d| d.to_string())),
        json!(m.funding_programme),
        json!(m.funding_eur),
        code(&m.status),
        json!(m.created_at.to_rfc3339()),
        json!(m.updated_at.to_rfc3339()),
    ]
}

fn story_values(m: success_story::Model) -> Vec<Value> {
    vec![
        json!(node::encode(crate::graphql::success_story::TYPE_NAME, m.id).0),
        json!(m.title),
        json!(m.summary),
        json!(m.body),
        json!(m.language),
        code(&m.outcome),
        json!(m.began_in),
        json!(m
            .partnership_id
            .map(|id| node::encode(crate::graphql::partnership::TYPE_NAME, id).0)),
        json!(m
            .matchmaking_event_id
            .map(|id| node::encode(crate::graphql::matchmaking::event::TYPE_NAME, id).0)),
        code(&m.status),
        json!(m.published_at.map(|t| t.to_rfc3339())),
        json!(m.created_at.to_rfc3339()),
        json!(m.updated_at.to_rfc3339()),
    ]
}

fn event_values(m: matchmaking_event::Model) -> Vec<Value> {
    vec![
        json!(node::encode(crate::graphql::matchmaking::event::TYPE_NAME, m.id).0),
        json!(m.name),
        json!(m.description),
        json!(m.venue),
        json!(m.online_url),
        json!(m.time_zone),
        json!(m.slot_minutes),
        json!(m.table_count),
        json!(m.registration_deadline.to_rfc3339()),
        json!(m.request_deadline.to_rfc3339()),
        json!(m.allows_c2c),
        json!(m.allows_c2b),
        json!(m.allows_b2b),
        code(&m.status),
        json!(m.created_at.to_rfc3339()),
        json!(m.updated_at.to_rfc3339()),
    ]
}
