//! The cost model, a plain function over the parsed document and the schema's types, after
//! GitHub's node count: objects and connections cost, scalars nothing. A connection costs one
//! point for its page plus page size × one item; each object a tenth of a point; the fields of
//! [`WORK`] what they run (text search, facets, recommendations, argon2, bulk rows). The README's
//! "Limits and security" shows the table.

use std::{collections::HashMap, sync::OnceLock};

use async_graphql::{
    parser::types::{
        BaseType, ExecutableDocument, Field, OperationType, Selection, SelectionSet, Type, TypeKind,
        TypeSystemDefinition,
    },
    Value as ConstValue, Variables,
};

/// A tenth of a point: what one object of the answer costs (a row, read in a batch and
/// serialised). Scalars cost nothing beyond their object; everything else is in whole points.
const ROW: u64 = 1;
/// One point, in tenths: a fetch (a connection's page, a lookup at the root) or a plain count.
const POINT: u64 = 10;
/// A text search's `totalCount`: a full-text match counted over the whole directory.
const SEARCH_COUNT: u64 = 40;
/// Points of a mutation the table does not name: one write transaction with its audit row.
const WRITE: u64 = 10;
/// Items assumed for a list that is not paged (facet values, your clusters, API keys).
const UNPAGED_LIST: u64 = crate::domain::pagination::DEFAULT_PAGE_SIZE as u64;

/// What a field runs beyond its rows, in points.
pub enum Work {
    /// Always this much.
    Fixed(u64),
    /// This much without `filter.query`, the second with it (a full-text search); each
    /// `totalCount` of a searched connection then costs [`SEARCH_COUNT`] points.
    Search(u64, u64),
    /// An argon2 hash or check, or a secret's: this much, and at most one per HTTP request.
    Credential(u64),
    /// This much per row of the input list at `input.<name>`.
    PerRow(u64, &'static str),
    /// Nothing, with what it selects: it reads no rows (`rateLimit`), so asked alone it costs
    /// the one point every request costs.
    Free,
}

/// The fields that cost more than their rows: (type, field, work). Everything else is priced
/// by the rules of [`price`]. The README's "Limits and security" shows this table.
pub const WORK: &[(&str, &str, Work)] = &[
    ("Query", "clusters", Work::Search(0, 40)),
    // A post search is LIKE over the posts' text; the feeds are an index range each.
    ("Query", "posts", Work::Search(0, 20)),
    ("Query", "upcomingEvents", Work::Fixed(1)),
    ("Query", "openCalls", Work::Fixed(1)),
    ("Cluster", "posts", Work::Fixed(1)),
    // A share of the page's one statement over the translation rows (at most 10 a record);
    // the texts read the same rows once a language is asked for.
    ("Cluster", "translations", Work::Fixed(1)),
    ("Cluster", "descriptionLanguage", Work::Fixed(1)),
    ("SuccessStory", "translations", Work::Fixed(1)),
    ("SuccessStory", "language", Work::Fixed(1)),
    ("Query", "clusterFacets", Work::Search(25, 200)),
    ("Query", "recommendedPartners", Work::Fixed(50)),
    ("EventParticipant", "suggestedMeetings", Work::Fixed(20)),
    ("EventParticipant", "agenda", Work::Fixed(3)),
    // Four grouped statements over one event's participants, meetings and outcomes.
    ("Query", "eventStatistics", Work::Fixed(20)),
    // Its share of one grouped statement for the page, over the cluster's events and meetings.
    ("Cluster", "matchmakingRecord", Work::Fixed(2)),
    ("Mutation", "login", Work::Credential(1_000)),
    ("Mutation", "register", Work::Credential(1_000)),
    ("Mutation", "changePassword", Work::Credential(2_000)),
    ("Mutation", "acceptInvitation", Work::Credential(50)),
    ("Mutation", "exchangeApiKey", Work::Credential(50)),
    ("Mutation", "refreshToken", Work::Credential(50)),
    // A throttle check, a link made and a mail rendered and written; one per request, so a batch
    // cannot probe many addresses at once.
    ("Mutation", "requestPasswordReset", Work::Credential(100)),
    ("Mutation", "resetPassword", Work::Credential(1_000)),
    ("Mutation", "verifyEmail", Work::Credential(50)),
    ("Mutation", "requestEmailVerification", Work::Credential(100)),
    ("Mutation", "registerClusters", Work::PerRow(20, "clusters")),
    // A file of up to UPLOAD_MAX_BYTES: its rows are unknown until read; priced as 250
    // registered rows, half a signed-in caller's request budget.
    ("Mutation", "importClusters", Work::Fixed(5_000)),
    ("Mutation", "scheduleEvent", Work::Fixed(200)),
    // A subscription holds a place on its socket and reads its records back per notification.
    ("Subscription", "meetingRequested", Work::Fixed(10)),
    ("Subscription", "meetingUpdated", Work::Fixed(10)),
    ("Subscription", "eventScheduled", Work::Fixed(10)),
    // The feed's filter on one post by its primary key, per notification.
    ("Subscription", "postPublished", Work::Fixed(10)),
    // An index range over FAILED mails, newest first.
    ("Query", "failedMails", Work::Fixed(1)),
    // One unique-key lookup.
    ("Query", "digestIssue", Work::Fixed(1)),
    // Reads the week's content and mails every confirmed subscriber, in batches.
    ("Mutation", "buildDigest", Work::Fixed(500)),
    // An index range over one status of subscribers, and three counts.
    ("Query", "digestSubscribers", Work::Fixed(1)),
    ("Query", "digestSubscriberCounts", Work::Fixed(3)),
    // Each may send a mail to an address of the caller's choosing: priced like a login, so one
    // anonymous client queues at most 50 a minute (RATE_LIMIT_ANONYMOUS), one address one per
    // DIGEST_CONFIRMATION_INTERVAL.
    ("Mutation", "subscribeToDigest", Work::Fixed(1_000)),
    // What the request's charge left in memory.
    ("Query", "rateLimit", Work::Free),
    // Numbering what has committed since the last read (one UPDATE, when there is any), the
    // page, the bounds of the numbers kept, and the page's records under the caller's visibility.
    ("Query", "changeFeedCursor", Work::Fixed(2)),
    ("Query", "clusterChanges", Work::Fixed(3)),
    ("Query", "partnershipChanges", Work::Fixed(3)),
    ("Query", "successStoryChanges", Work::Fixed(3)),
    ("Query", "matchmakingEventChanges", Work::Fixed(3)),
];

/// What a document costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Price {
    /// Points charged to the request's budget and the caller's rate limit.
    pub points: u64,
    /// Credential-checking fields it runs (login, register …): at most one per HTTP request.
    pub credential_checks: u64,
}

/// For each type of the schema, its fields: the named type each returns and whether as a list.
pub struct Types(HashMap<String, HashMap<String, (String, bool)>>);

impl Types {
    /// The types of an SDL document such as `schema.graphql`.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut types = HashMap::new();
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return Self(types);
        };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let fields = match ty.node.kind {
                TypeKind::Object(o) => o.fields,
                TypeKind::Interface(i) => i.fields,
                _ => continue,
            };
            let fields = fields
                .into_iter()
                .map(|f| {
                    let f = f.node;
                    let (named, list) = named_type(&f.ty.node);
                    (f.name.node.to_string(), (named, list))
                })
                .collect();
            types.insert(ty.node.name.node.to_string(), fields);
        }
        Self(types)
    }

    /// This service's types, read once from its schema.
    pub fn of_schema() -> &'static Self {
        static TYPES: OnceLock<Types> = OnceLock::new();
        TYPES.get_or_init(|| Self::from_sdl(&crate::graphql::sdl()))
    }

    fn field(&self, ty: &str, field: &str) -> Option<&(String, bool)> {
        self.0.get(ty)?.get(field)
    }
}

fn named_type(ty: &Type) -> (String, bool) {
    match &ty.base {
        BaseType::Named(name) => (name.to_string(), false),
        BaseType::List(inner) => (named_type(inner).0, true),
    }
}

/// The price of the operation(s) of a document that run (all when `operation` is `None`).
/// Call it once the document's expanded size is bounded (`shape::problem`): it walks every
/// spread. Objects and connections cost, scalars nothing: a connection is one point for its page
/// plus page size × one item; each object a tenth; the fields of [`WORK`] what they run.
pub fn price(types: &Types, document: &ExecutableDocument, operation: Option<&str>, variables: &Variables) -> Price {
    let mut walk = Walk {
        types,
        document,
        variables: variables.clone(),
        credential_checks: 0,
    };
    let mut tenths = 0u64;
    for (name, op) in document.operations.iter() {
        if operation.is_some_and(|wanted| name.map(|n| n.as_str()) != Some(wanted)) {
            continue;
        }
        for definition in &op.node.variable_definitions {
            let definition = &definition.node;
            if let (false, Some(default)) = (
                walk.variables.contains_key(&definition.name.node),
                &definition.default_value,
            ) {
                walk.variables
                    .insert(definition.name.node.clone(), default.node.clone());
            }
        }
        let root = match op.node.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        tenths = tenths.saturating_add(walk.set(&op.node.selection_set.node, root, None));
    }
    Price {
        points: tenths.div_ceil(POINT).max(1),
        credential_checks: walk.credential_checks,
    }
}

/// Where a selection sits: under a connection (its page size, and whether it is a text search).
#[derive(Clone, Copy)]
struct Page {
    size: u64,
    searched: bool,
}

struct Walk<'a> {
    types: &'a Types,
    document: &'a ExecutableDocument,
    variables: Variables,
    credential_checks: u64,
}

impl Walk<'_> {
    /// Tenths for one object of type `ty` with this selection.
    fn set(&mut self, set: &SelectionSet, ty: &str, page: Option<Page>) -> u64 {
        let mut tenths = 0u64;
        for selection in &set.items {
            let cost = match &selection.node {
                Selection::Field(field) => self.field(&field.node, ty, page),
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.to_string());
                    self.set(&fragment.node.selection_set.node, on.as_deref().unwrap_or(ty), page)
                }
                Selection::FragmentSpread(spread) => {
                    match self.document.fragments.get(&spread.node.fragment_name.node) {
                        Some(fragment) => {
                            let on = fragment.node.type_condition.node.on.node.to_string();
                            self.set(&fragment.node.selection_set.node, &on, page)
                        }
                        None => 0,
                    }
                }
            };
            tenths = tenths.saturating_add(cost);
        }
        tenths
    }

    fn field(&mut self, field: &Field, parent: &str, page: Option<Page>) -> u64 {
        let name = field.name.node.as_str();
        let (ty, list) = match self.types.field(parent, name) {
            Some((ty, list)) => (ty.clone(), *list),
            None => (String::new(), false),
        };
        let work = WORK
            .iter()
            .find(|(t, f, _)| *t == parent && *f == name)
            .map(|(_, _, w)| w);
        if matches!(work, Some(Work::Free)) {
            return 0;
        }
        let searched = self.searched(field);
        let mut tenths = match work {
            Some(Work::Fixed(points)) => points * POINT,
            Some(Work::Search(plain, with_query)) => (if searched { *with_query } else { *plain }) * POINT,
            Some(Work::Credential(points)) => {
                self.credential_checks += 1;
                points * POINT
            }
            Some(Work::PerRow(points, list)) => points.saturating_mul(self.input_rows(field, list)) * POINT,
            Some(Work::Free) => 0,
            None if parent == "Mutation" => WRITE * POINT,
            None => 0,
        };
        if field.selection_set.node.items.is_empty() {
            // A scalar: free, but a connection's count is a query of its own.
            if name == "totalCount" && page.is_some() {
                tenths += if page.is_some_and(|p| p.searched) {
                    SEARCH_COUNT * POINT
                } else {
                    POINT
                };
            }
            return tenths;
        }
        let child_page = ty.ends_with("Connection").then(|| Page {
            size: self.page_size(field),
            searched,
        });
        if child_page.is_some() || parent == "Query" {
            tenths += POINT;
        }
        let items = if !list {
            1
        } else if let Some(p) = page {
            p.size
        } else if let Some(ids) = self.argument(field, "ids") {
            match ids {
                ConstValue::List(ids) => ids.len() as u64,
                _ => 1,
            }
        } else {
            UNPAGED_LIST
        };
        // A connection is its page, already paid for; its edges and nodes are the objects.
        let row = if child_page.is_some() { 0 } else { ROW };
        let item = row.saturating_add(self.set(&field.selection_set.node, &ty, child_page));
        tenths.saturating_add(items.saturating_mul(item))
    }

    fn argument(&self, field: &Field, name: &str) -> Option<ConstValue> {
        let value = field.get_argument(name)?.node.clone();
        value
            .into_const_with(|var| self.variables.get(&var).cloned().ok_or(()))
            .ok()
    }

    /// Whether the field searches text: `filter: {query: "…"}` with something in it.
    fn searched(&self, field: &Field) -> bool {
        match self.argument(field, "filter") {
            Some(ConstValue::Object(filter)) => {
                matches!(filter.get("query"), Some(ConstValue::String(q)) if !q.trim().is_empty())
            }
            _ => false,
        }
    }

    fn page_size(&self, field: &Field) -> u64 {
        let n = |arg| match self.argument(field, arg) {
            Some(ConstValue::Number(n)) => n.as_i64(),
            _ => None,
        };
        let default = crate::domain::pagination::DEFAULT_PAGE_SIZE as i64;
        let max = crate::domain::pagination::MAX_PAGE_SIZE as i64;
        n("first").or(n("last")).unwrap_or(default).clamp(1, max) as u64
    }

    fn input_rows(&self, field: &Field, list: &str) -> u64 {
        match self.argument(field, "input") {
            Some(ConstValue::Object(input)) => match input.get(list) {
                Some(ConstValue::List(rows)) => rows.len() as u64,
                _ => 1,
            },
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(query: &str) -> u64 {
        let document = async_graphql::parser::parse_query(query).expect("a valid query");
        price(Types::of_schema(), &document, None, &Variables::default()).points
    }

    // The webhook fields stay on the general rules, which already price them as the other
    // lists and connections: the endpoints (at most 20) one point and a tenth each, every
    // endpoint's `deliveries` its own page (one point), its count (one) and a tenth a delivery.
    #[test]
    fn webhook_endpoints_and_their_deliveries_are_priced_as_connections() {
        assert_eq!(points(r#"{ webhookEndpoints(partnerOrganisationId: "x") { id } }"#), 3);
        assert_eq!(
            points(
                r#"{ webhookEndpoints(partnerOrganisationId: "x") { id
                     deliveries(first: 100) { totalCount nodes { id payload } } } }"#
            ),
            // 1 + 20 × (0.1 + 1 + 1 + 100 × 0.1)
            243
        );
        assert_eq!(
            points(r#"mutation { redeliverWebhook(input: {deliveryId: "x"}) { delivery { id } } }"#),
            11
        );
    }
}
