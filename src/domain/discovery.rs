//! Finding partners: the cluster list with filters, text search and ordering, facet counts for
//! filter UIs, and explained partner recommendations.

use std::collections::{HashMap, HashSet};

use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_partner_country, cluster_search, partnership,
    partnership_member,
    taxonomy::{
        ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, InvitationState, PartnershipKind,
        PartnershipStatus,
    },
};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Query},
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, Iterable,
    JoinType, Order, PaginatorTrait, QueryFilter, QuerySelect, Statement,
};
use uuid::Uuid;

use super::{
    pagination::{keyset_page, Keyset, OffsetRequest, Page, PageRequest, SortKey},
    policy::Visibility,
    search::{self, TextQuery},
    validation::{Checker, NAME_MAX},
};
use crate::error::{AppError, AppResult};

/// An inclusive range; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub min: Option<i32>,
    pub max: Option<i32>,
}

/// What a list of clusters is narrowed to. Within a field values are alternatives (OR); fields
/// combine with AND. An empty list or range means "no restriction".
#[derive(Debug, Clone, Default)]
pub struct ClusterFilter {
    pub query: Option<String>,
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub ecosystems: Vec<Ecosystem>,
    pub emerging_industries: Vec<EmergingIndustry>,
    pub kinds: Vec<ClusterKind>,
    pub labels: Vec<ClusterLabel>,
    pub statuses: Vec<ClusterStatus>,
    pub member_count: Range,
    pub founded_year: Range,
    /// Clusters with an ACTIVE partnership of one of these kinds (as an accepted member).
    pub active_partnership_kinds: Vec<PartnershipKind>,
    /// Clusters that say they seek partners in one of these countries.
    pub seeking_partners_in: Vec<String>,
}

/// The dimensions facet counts are given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Country,
    Ecosystem,
    EmergingIndustry,
    Kind,
    Label,
}

impl Facet {
    const ALL: [Facet; 5] = [
        Facet::Country,
        Facet::Ecosystem,
        Facet::EmergingIndustry,
        Facet::Kind,
        Facet::Label,
    ];

    /// The facet's name in SQL (a flag column) and in the facet query's result rows.
    fn key(self) -> &'static str {
        match self {
            Facet::Country => "country",
            Facet::Ecosystem => "ecosystem",
            Facet::EmergingIndustry => "emerging_industry",
            Facet::Kind => "kind",
            Facet::Label => "label",
        }
    }
}

impl ClusterFilter {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.countries("filter.countries", &mut self.countries);
        check.countries("filter.seekingPartnersIn", &mut self.seeking_partners_in);
        check.optional_name("filter.query", &mut self.query, NAME_MAX);
        for (field, range) in [
            ("filter.memberCount", self.member_count),
            ("filter.foundedYear", self.founded_year),
        ] {
            if let (Some(min), Some(max)) = (range.min, range.max) {
                if min > max {
                    check.fail(field, "min must not exceed max");
                }
            }
        }
        self.regions = self
            .regions
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        check.finish()
    }

    /// The filter as SQL on `cluster`, with the dimensions in `except` left out (facet counts
    /// apply those separately), and the text query when there is one.
    fn condition(&self, visibility: &Visibility, text: Option<&TextQuery>, except: &[Facet]) -> Condition {
        let mut cond = Condition::all().add(visibility.condition());
        if let Some(text) = text {
            cond = cond.add(text.condition());
        }
        for facet in Facet::ALL.into_iter().filter(|f| !except.contains(f)) {
            if let Some(dimension) = self.dimension(facet) {
                cond = cond.add(dimension);
            }
        }
        if !self.regions.is_empty() {
            cond = cond.add(cluster::Column::Region.is_in(self.regions.clone()));
        }
        if !self.statuses.is_empty() {
            cond = cond.add(cluster::Column::Status.is_in(self.statuses.clone()));
        }
        for (column, range) in [
            (cluster::Column::MembersTotal, self.member_count),
            (cluster::Column::FoundedYear, self.founded_year),
        ] {
            if let Some(min) = range.min {
                cond = cond.add(column.gte(min));
            }
            if let Some(max) = range.max {
                cond = cond.add(column.lte(max));
            }
        }
        if !self.seeking_partners_in.is_empty() {
            cond = cond.add(
                cluster::Column::Id.in_subquery(
                    Query::select()
                        .column(cluster_partner_country::Column::ClusterId)
                        .from(cluster_partner_country::Entity)
                        .and_where(cluster_partner_country::Column::Country.is_in(self.seeking_partners_in.clone()))
                        .to_owned(),
                ),
            );
        }
        if !self.active_partnership_kinds.is_empty() {
            cond = cond.add(
                cluster::Column::Id.in_subquery(
                    Query::select()
                        .column((partnership_member::Entity, partnership_member::Column::ClusterId))
                        .from(partnership_member::Entity)
                        .inner_join(
                            partnership::Entity,
                            Expr::col((partnership::Entity, partnership::Column::Id))
                                .equals((partnership_member::Entity, partnership_member::Column::PartnershipId)),
                        )
                        .and_where(partnership::Column::Status.eq(PartnershipStatus::Active))
                        .and_where(partnership::Column::Kind.is_in(self.active_partnership_kinds.clone()))
                        .and_where(partnership_member::Column::InvitationState.eq(InvitationState::Accepted))
                        .to_owned(),
                ),
            );
        }
        cond
    }

    /// The filter of one facet dimension, if it is active.
    fn dimension(&self, facet: Facet) -> Option<Condition> {
        let condition = match facet {
            Facet::Country if !self.countries.is_empty() => cluster::Column::Country.is_in(self.countries.clone()),
            Facet::Kind if !self.kinds.is_empty() => cluster::Column::Kind.is_in(self.kinds.clone()),
            Facet::Label if !self.labels.is_empty() => cluster::Column::Label.is_in(self.labels.clone()),
            Facet::Ecosystem if !self.ecosystems.is_empty() => cluster::Column::Id.in_subquery(
                Query::select()
                    .column(cluster_ecosystem::Column::ClusterId)
                    .from(cluster_ecosystem::Entity)
                    .and_where(cluster_ecosystem::Column::Ecosystem.is_in(self.ecosystems.clone()))
                    .to_owned(),
            ),
            Facet::EmergingIndustry if !self.emerging_industries.is_empty() => cluster::Column::Id.in_subquery(
                Query::select()
                    .column(cluster_emerging_industry::Column::ClusterId)
                    .from(cluster_emerging_industry::Entity)
                    .and_where(
                        cluster_emerging_industry::Column::EmergingIndustry.is_in(self.emerging_industries.clone()),
                    )
                    .to_owned(),
            ),
            _ => return None,
        };
        Some(Condition::all().add(condition))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterOrderField {
    /// Best text match first; only with a `query` (the default then).
    Relevance,
    Name,
    CreatedAt,
    UpdatedAt,
    MemberCount,
}

pub fn keyset(field: ClusterOrderField, ascending: bool) -> Keyset<cluster::Entity> {
    type KeyOf = fn(&cluster::Model) -> (SortKey, Uuid);
    let (name, column, key_of): (&'static str, cluster::Column, KeyOf) = match field {
        ClusterOrderField::Name | ClusterOrderField::Relevance => {
            ("NAME", cluster::Column::Name, |m| (SortKey::Text(m.name.clone()), m.id))
        }
        ClusterOrderField::CreatedAt => ("CREATED_AT", cluster::Column::CreatedAt, |m| {
            (SortKey::Time(m.created_at), m.id)
        }),
        ClusterOrderField::UpdatedAt => ("UPDATED_AT", cluster::Column::UpdatedAt, |m| {
            (SortKey::Time(m.updated_at), m.id)
        }),
        ClusterOrderField::MemberCount => ("MEMBER_COUNT", cluster::Column::MembersTotal, |m| {
            (SortKey::Int(i64::from(m.members_total)), m.id)
        }),
    };
    Keyset {
        name,
        column,
        id: cluster::Column::Id,
        ascending,
        key_of,
    }
}

/// One page of the list and its total.
pub struct ClusterList {
    pub page: Page<cluster::Model>,
    pub total: u64,
}

#[derive(FromQueryResult)]
struct ScoredRow {
    id: Uuid,
    total: i64,
}

/// The cluster list. With a text query, results are ranked by relevance unless another order is
/// asked for; relevance pages use offset cursors, since only the database knows the ranking.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    filter: &ClusterFilter,
    order: ClusterOrderField,
    ascending: bool,
    request: &PageRequest,
    want_total: bool,
) -> AppResult<ClusterList> {
    let window = request.window()?;
    let text = match &filter.query {
        Some(q) => Some(TextQuery::resolve(db, q).await?),
        None => None,
    };
    if order == ClusterOrderField::Relevance {
        let Some(text) = text else {
            return Err(AppError::bad_field("orderBy.field", "RELEVANCE needs a filter.query"));
        };
        return ranked(db, filter.condition(visibility, None, &[]), &text, request).await;
    }
    let condition = filter.condition(visibility, text.as_ref(), &[]);
    let page = keyset_page(
        db,
        cluster::Entity::find().filter(condition.clone()),
        &keyset(order, ascending),
        &window,
    )
    .await?;
    let total = if want_total {
        cluster::Entity::find().filter(condition).count(db).await?
    } else {
        0
    };
    Ok(ClusterList { page, total })
}

/// A page of text matches, best first. One statement ranks the matches under the filter and
/// counts them (a window count), so the page and `totalCount` agree.
async fn ranked<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    text: &TextQuery,
    request: &PageRequest,
) -> AppResult<ClusterList> {
    let rows_of = |start: usize, end: usize| {
        let mut select = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .filter(condition.clone());
        let text_match = Alias::new("text_match");
        QuerySelect::query(&mut select)
            .join_subquery(
                JoinType::InnerJoin,
                text.ranked_matches(),
                text_match.clone(),
                Expr::col((text_match.clone(), Alias::new("cluster_id")))
                    .equals((cluster::Entity, cluster::Column::Id)),
            )
            .expr_as(Expr::cust("count(*) OVER ()"), Alias::new("total"))
            .order_by((text_match, Alias::new("score")), Order::Desc)
            .order_by((cluster::Entity, cluster::Column::Id), Order::Asc)
            .limit((end - start) as u64)
            .offset(start as u64);
        select.into_model::<ScoredRow>().all(db)
    };
    let count = || {
        cluster::Entity::find()
            .filter(condition.clone().add(text.condition()))
            .count(db)
    };
    let (range, rows) = match OffsetRequest::of(request)? {
        OffsetRequest::Rows { start, end } => {
            let rows = if end > start {
                rows_of(start, end).await?
            } else {
                Vec::new()
            };
            let len = match rows.first() {
                Some(row) => usize::try_from(row.total).unwrap_or(0),
                // Nothing at this offset: the list may still have rows before it.
                None if start > 0 => count().await? as usize,
                None => 0,
            };
            (OffsetRequest::Rows { start, end }.within(len), rows)
        }
        last @ OffsetRequest::Last(_) => {
            let range = last.within(count().await? as usize);
            let rows = if range.limit() > 0 {
                rows_of(range.start, range.end).await?
            } else {
                Vec::new()
            };
            (range, rows)
        }
    };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut models: HashMap<Uuid, cluster::Model> = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let ordered: Vec<cluster::Model> = ids.iter().filter_map(|id| models.remove(id)).collect();
    Ok(ClusterList {
        page: range.page(ordered),
        total: range.len() as u64,
    })
}

/// Highlights for the clusters of a page: the matching extract of each one's search document.
pub async fn highlights<C: ConnectionTrait>(db: &C, query: &str, ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
    let documents = cluster_search::Entity::find()
        .filter(cluster_search::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(documents
        .into_iter()
        .filter_map(|d| Some((d.cluster_id, search::highlight(&d.document, query)?)))
        .collect())
}

/// A facet value and how many clusters have it under the other active filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub countries: Vec<FacetCount>,
    pub ecosystems: Vec<FacetCount>,
    pub emerging_industries: Vec<FacetCount>,
    pub kinds: Vec<FacetCount>,
    pub labels: Vec<FacetCount>,
}

#[derive(FromQueryResult)]
struct FacetRow {
    facet: String,
    value: String,
    count: i64,
}

/// Counts for filter UIs: each value of each dimension with the number of clusters it would
/// give, under all the other active filters (the standard faceted-search rule). Values already
/// selected in a dimension are counted too, so the UI can show them with their numbers.
///
/// One statement: the clusters matching everything but the facet dimensions are selected once,
/// each with a flag per active dimension saying whether it passes that dimension's filter; every
/// dimension then counts the clusters whose other flags are set.
pub async fn facets<C: ConnectionTrait>(db: &C, visibility: &Visibility, filter: &ClusterFilter) -> AppResult<Facets> {
    let text = match &filter.query {
        Some(q) => Some(TextQuery::resolve(db, q).await?),
        None => None,
    };
    let active: Vec<(Facet, Condition)> = Facet::ALL
        .into_iter()
        .filter_map(|f| Some((f, filter.dimension(f)?)))
        .collect();
    let mut base = cluster::Entity::find()
        .select_only()
        .column(cluster::Column::Id)
        .column(cluster::Column::Country)
        .column(cluster::Column::Kind)
        .column(cluster::Column::Label)
        .filter(filter.condition(visibility, text.as_ref(), &Facet::ALL));
    for (facet, condition) in &active {
        base = base.expr_as(
            Expr::case(condition.clone(), 1).finally(0),
            format!("passes_{}", facet.key()),
        );
    }
    let backend = db.get_database_backend();
    let base = backend.build(QuerySelect::query(&mut base));
    let counts: Vec<String> = Facet::ALL
        .into_iter()
        .map(|facet| {
            let others: Vec<String> = active
                .iter()
                .filter(|(f, _)| *f != facet)
                .map(|(f, _)| format!("base.passes_{} = 1", f.key()))
                .collect();
            let passes = if others.is_empty() {
                "1 = 1".to_owned()
            } else {
                others.join(" AND ")
            };
            let key = facet.key();
            let (value, from) = match facet {
                Facet::Ecosystem => (
                    "j.ecosystem",
                    "base JOIN cluster_ecosystem j ON j.cluster_id = base.id",
                ),
                Facet::EmergingIndustry => (
                    "j.emerging_industry",
                    "base JOIN cluster_emerging_industry j ON j.cluster_id = base.id",
                ),
                Facet::Country => ("base.country", "base"),
                Facet::Kind => ("base.kind", "base"),
                Facet::Label => ("base.label", "base"),
            };
            format!(
                "SELECT '{key}' AS facet, CAST({value} AS TEXT) AS value, COUNT(*) AS count FROM {from} WHERE {passes} GROUP BY {value}"
            )
        })
        .collect();
    let sql = format!("WITH base AS ({}) {}", base.sql, counts.join(" UNION ALL "));
    let values = base.values.map(|v| v.0).unwrap_or_default();
    let rows = FacetRow::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await?;
    let mut facets = Facets::default();
    for row in rows {
        let list = match row.facet.as_str() {
            "country" => &mut facets.countries,
            "ecosystem" => &mut facets.ecosystems,
            "emerging_industry" => &mut facets.emerging_industries,
            "kind" => &mut facets.kinds,
            "label" => &mut facets.labels,
            _ => continue,
        };
        list.push(FacetCount {
            value: row.value,
            count: u64::try_from(row.count).unwrap_or(0),
        });
    }
    for list in [
        &mut facets.countries,
        &mut facets.ecosystems,
        &mut facets.emerging_industries,
        &mut facets.kinds,
        &mut facets.labels,
    ] {
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
    Ok(facets)
}

/// One part of a recommendation's score, so people see why a partner is suggested.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub kind: &'static str,
    pub points: f64,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub cluster: cluster::Model,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Ecosystems whose value chains meet: a cluster of one often needs partners in the other.
const COMPLEMENTS: [(Ecosystem, Ecosystem); 10] = [
    (Ecosystem::Digital, Ecosystem::Electronics),
    (Ecosystem::Digital, Ecosystem::MobilityTransportAutomotive),
    (Ecosystem::Digital, Ecosystem::Health),
    (Ecosystem::AerospaceDefence, Ecosystem::Electronics),
    (Ecosystem::AerospaceDefence, Ecosystem::Digital),
    (Ecosystem::EnergyRenewables, Ecosystem::EnergyIntensive),
    (Ecosystem::EnergyRenewables, Ecosystem::Construction),
    (Ecosystem::AgriFood, Ecosystem::Retail),
    (Ecosystem::Textiles, Ecosystem::Retail),
    (Ecosystem::CulturalCreative, Ecosystem::Tourism),
];

fn complements(a: Ecosystem, b: Ecosystem) -> bool {
    COMPLEMENTS
        .iter()
        .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

struct Traits {
    ecosystems: HashSet<Ecosystem>,
    technologies: HashSet<String>,
    seeks: HashSet<String>,
}

async fn traits<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Traits>> {
    let mut map: HashMap<Uuid, Traits> = ids
        .iter()
        .map(|&id| {
            (
                id,
                Traits {
                    ecosystems: HashSet::new(),
                    technologies: HashSet::new(),
                    seeks: HashSet::new(),
                },
            )
        })
        .collect();
    for row in cluster_ecosystem::Entity::find()
        .filter(cluster_ecosystem::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(t) = map.get_mut(&row.cluster_id) {
            t.ecosystems.insert(row.ecosystem);
        }
    }
    for row in entity::cluster_technology::Entity::find()
        .filter(entity::cluster_technology::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(t) = map.get_mut(&row.cluster_id) {
            t.technologies.insert(row.keyword.to_lowercase());
        }
    }
    for row in cluster_partner_country::Entity::find()
        .filter(cluster_partner_country::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(t) = map.get_mut(&row.cluster_id) {
            t.seeks.insert(row.country);
        }
    }
    Ok(map)
}

/// Recommendations for one page, and how many candidates there are in all.
pub struct Recommendations {
    pub page: Page<Recommendation>,
    pub total: u64,
}

/// Numbered placeholders for hand-written SQL (`$n` on PostgreSQL, `?n` on SQLite), so values
/// may be bound in any order the SQL is put together in.
struct Params {
    backend: DatabaseBackend,
    values: Vec<sea_orm::Value>,
}

impl Params {
    fn bind(&mut self, value: impl Into<sea_orm::Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => format!("?{}", self.values.len()),
        }
    }

    fn list<V: Into<sea_orm::Value>>(&mut self, values: impl IntoIterator<Item = V>) -> String {
        let placeholders: Vec<String> = values.into_iter().map(|v| self.bind(v)).collect();
        placeholders.join(", ")
    }
}

/// Scores published clusters as partners for `source`:
/// - 3 points per shared ecosystem, 1 per complementary pair (value chains that meet);
/// - 2 per shared technology keyword (at most 5 counted);
/// - 3 when the candidate is in a country the source seeks partners in, 2 the other way round;
/// - 2 for a partner abroad (cross-border cooperation is the platform's point);
/// - 1.5 / 1 / 0.5 for a GOLD / SILVER / BRONZE label, 0.5 for a complete profile.
///
/// A candidate needs something in common (an ecosystem, a complementary one, a technology, or a
/// country the source seeks partners in); clusters already in a partnership with the source are
/// left out. The database ranks every candidate with the same formula; the page's candidates are
/// then explained part by part by [`explain`].
pub async fn recommend<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    source_id: Uuid,
    request: &PageRequest,
) -> AppResult<Recommendations> {
    let offsets = OffsetRequest::of(request)?;
    let source = cluster::Entity::find_by_id(source_id)
        .filter(visibility.condition())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("clusterId: cluster".into()))?;
    let source_traits = traits(db, &[source_id])
        .await?
        .remove(&source_id)
        .ok_or(AppError::Internal)?;
    // Points per ecosystem a candidate works in: 3 when the source shares it, else one per
    // ecosystem of the source it complements.
    let mut ecosystem_points: Vec<(Ecosystem, i32)> = Ecosystem::iter()
        .map(|e| {
            let points = if source_traits.ecosystems.contains(&e) {
                3
            } else {
                source_traits
                    .ecosystems
                    .iter()
                    .filter(|&&mine| complements(mine, e))
                    .count() as i32
            };
            (e, points)
        })
        .filter(|(_, points)| *points > 0)
        .collect();
    ecosystem_points.sort();
    let technologies: Vec<String> = {
        let mut t: Vec<String> = source_traits.technologies.iter().cloned().collect();
        t.sort();
        t
    };
    let seeks: Vec<String> = {
        let mut s: Vec<String> = source_traits.seeks.iter().cloned().collect();
        s.sort();
        s
    };
    if ecosystem_points.is_empty() && technologies.is_empty() && seeks.is_empty() {
        return Ok(Recommendations {
            page: offsets.within(0).page(Vec::new()),
            total: 0,
        });
    }

    let mut p = Params {
        backend: db.get_database_backend(),
        values: Vec::new(),
    };
    let mut parts = Vec::new();
    let mut joins = String::new();
    let mut related = Vec::new();
    if !ecosystem_points.is_empty() {
        let cases: Vec<String> = ecosystem_points
            .iter()
            .map(|(e, points)| format!("WHEN {} THEN {points}", p.bind(e.to_value())))
            .collect();
        let values = p.list(ecosystem_points.iter().map(|(e, _)| e.to_value()));
        joins.push_str(&format!(
            " LEFT JOIN (SELECT cluster_id, SUM(CASE ecosystem {} ELSE 0 END) AS points FROM cluster_ecosystem \
             WHERE ecosystem IN ({values}) GROUP BY cluster_id) eco ON eco.cluster_id = c.id",
            cases.join(" ")
        ));
        parts.push("COALESCE(eco.points, 0)".to_owned());
        related.push("eco.points > 0".to_owned());
    }
    if !technologies.is_empty() {
        let values = p.list(technologies.iter().cloned());
        joins.push_str(&format!(
            " LEFT JOIN (SELECT cluster_id, COUNT(DISTINCT lower(keyword)) AS shared FROM cluster_technology \
             WHERE lower(keyword) IN ({values}) GROUP BY cluster_id) tech ON tech.cluster_id = c.id"
        ));
        parts.push("2 * (CASE WHEN tech.shared > 5 THEN 5 ELSE COALESCE(tech.shared, 0) END)".to_owned());
        related.push("tech.shared > 0".to_owned());
    }
    if !seeks.is_empty() {
        let values = p.list(seeks.iter().cloned());
        parts.push(format!("(CASE WHEN c.country IN ({values}) THEN 3 ELSE 0 END)"));
        let values = p.list(seeks.iter().cloned());
        related.push(format!("c.country IN ({values})"));
    }
    let source_country = p.bind(source.country.clone());
    parts.push(format!(
        "(CASE WHEN EXISTS (SELECT 1 FROM cluster_partner_country s WHERE s.cluster_id = c.id AND s.country = {source_country}) THEN 2 ELSE 0 END)"
    ));
    let source_country = p.bind(source.country.clone());
    parts.push(format!("(CASE WHEN c.country <> {source_country} THEN 2 ELSE 0 END)"));
    let labels = [
        (ClusterLabel::Gold, "1.5"),
        (ClusterLabel::Silver, "1.0"),
        (ClusterLabel::Bronze, "0.5"),
    ]
    .map(|(label, points)| format!("WHEN {} THEN {points}", p.bind(label.to_value())));
    parts.push(format!("(CASE c.label {} ELSE 0 END)", labels.join(" ")));
    parts.push("(CASE WHEN c.website IS NOT NULL AND c.description IS NOT NULL THEN 0.5 ELSE 0 END)".to_owned());
    let published = p.bind(ClusterStatus::Published.to_value());
    let source_param = p.bind(source_id);
    let source_again = p.bind(source_id);
    let declined = p.bind(InvitationState::Declined.to_value());
    let sql_for = |p: &mut Params, start: usize, end: usize| {
        let limit = p.bind((end - start) as i64);
        let offset = p.bind(start as i64);
        format!(
            "SELECT c.id AS id, CAST({score} AS DOUBLE PRECISION) AS score, COUNT(*) OVER () AS total \
             FROM cluster c{joins} \
             WHERE c.status = {published} AND c.id <> {source_param} \
             AND c.id NOT IN (SELECT theirs.cluster_id FROM partnership_member mine \
               JOIN partnership_member theirs ON theirs.partnership_id = mine.partnership_id \
               WHERE mine.cluster_id = {source_again} AND theirs.invitation_state <> {declined}) \
             AND ({related}) \
             ORDER BY score DESC, c.name, c.id LIMIT {limit} OFFSET {offset}",
            score = parts.join(" + "),
            related = related.join(" OR "),
        )
    };
    let fetch = |start: usize, end: usize| {
        let mut p = Params {
            backend: p.backend,
            values: p.values.clone(),
        };
        let sql = sql_for(&mut p, start, end);
        ScoredRow::find_by_statement(Statement::from_sql_and_values(p.backend, sql, p.values)).all(db)
    };
    let (range, rows) = match offsets {
        OffsetRequest::Rows { start, end } => {
            let rows = if end > start {
                fetch(start, end).await?
            } else {
                Vec::new()
            };
            let len = match rows.first() {
                Some(row) => usize::try_from(row.total).unwrap_or(0),
                None if start > 0 => usize::try_from(fetch(0, 1).await?.first().map_or(0, |r| r.total)).unwrap_or(0),
                None => 0,
            };
            (offsets.within(len), rows)
        }
        OffsetRequest::Last(_) => {
            let len = usize::try_from(fetch(0, 1).await?.first().map_or(0, |r| r.total)).unwrap_or(0);
            let range = offsets.within(len);
            let rows = if range.limit() > 0 {
                fetch(range.start, range.end).await?
            } else {
                Vec::new()
            };
            (range, rows)
        }
    };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut candidates: HashMap<Uuid, cluster::Model> = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut candidate_traits = traits(db, &ids).await?;
    let explained: Vec<Recommendation> = ids
        .iter()
        .filter_map(|id| {
            let candidate = candidates.remove(id)?;
            let t = candidate_traits.remove(id)?;
            Some(explain(&source, &source_traits, candidate, &t))
        })
        .collect();
    Ok(Recommendations {
        page: range.page(explained),
        total: range.len() as u64,
    })
}

/// The parts of a candidate's score, as [`recommend`] ranks it.
fn explain(source: &cluster::Model, mine: &Traits, candidate: cluster::Model, t: &Traits) -> Recommendation {
    let mut reasons = Vec::new();
    let mut shared: Vec<Ecosystem> = t.ecosystems.intersection(&mine.ecosystems).copied().collect();
    shared.sort();
    if !shared.is_empty() {
        let names: Vec<String> = shared.iter().map(|e| e.to_value()).collect();
        reasons.push(Reason {
            kind: "SHARED_ECOSYSTEMS",
            points: 3.0 * shared.len() as f64,
            detail: names.join(", "),
        });
    }
    let mut pairs: Vec<String> = Vec::new();
    for &m in &mine.ecosystems {
        for &theirs in t.ecosystems.difference(&mine.ecosystems) {
            if complements(m, theirs) {
                pairs.push(format!("{}+{}", m.to_value(), theirs.to_value()));
            }
        }
    }
    pairs.sort();
    if !pairs.is_empty() {
        reasons.push(Reason {
            kind: "COMPLEMENTARY_ECOSYSTEMS",
            points: pairs.len() as f64,
            detail: pairs.join(", "),
        });
    }
    let mut techs: Vec<&String> = t.technologies.intersection(&mine.technologies).collect();
    techs.sort();
    if !techs.is_empty() {
        let counted = techs.len().min(5);
        let names: Vec<&str> = techs.iter().map(|s| s.as_str()).collect();
        reasons.push(Reason {
            kind: "SHARED_TECHNOLOGIES",
            points: 2.0 * counted as f64,
            detail: names.join(", "),
        });
    }
    if mine.seeks.contains(&candidate.country) {
        reasons.push(Reason {
            kind: "TARGET_MARKET",
            points: 3.0,
            detail: format!("you seek partners in {}", candidate.country),
        });
    }
    if t.seeks.contains(&source.country) {
        reasons.push(Reason {
            kind: "SEEKS_YOUR_COUNTRY",
            points: 2.0,
            detail: format!("they seek partners in {}", source.country),
        });
    }
    if candidate.country != source.country {
        reasons.push(Reason {
            kind: "INTERNATIONAL",
            points: 2.0,
            detail: format!("{} – {}", source.country, candidate.country),
        });
    }
    let label = match candidate.label {
        ClusterLabel::Gold => 1.5,
        ClusterLabel::Silver => 1.0,
        ClusterLabel::Bronze => 0.5,
        ClusterLabel::None => 0.0,
    };
    if label > 0.0 {
        reasons.push(Reason {
            kind: "LABEL",
            points: label,
            detail: candidate.label.to_value(),
        });
    }
    if candidate.website.is_some() && candidate.description.is_some() {
        reasons.push(Reason {
            kind: "COMPLETE_PROFILE",
            points: 0.5,
            detail: "website and description".into(),
        });
    }
    let score = reasons.iter().map(|r| r.points).sum();
    Recommendation {
        cluster: candidate,
        score,
        reasons,
    }
}
