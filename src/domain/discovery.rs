//! Finding partners: the cluster list with filters, text search and ordering, and facet counts
//! for filter UIs. Recommendations are in `recommendation`.

use std::collections::HashMap;

use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_partner_country, cluster_search, partnership,
    partnership_member,
    taxonomy::{
        ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, InvitationState, PartnershipKind,
        PartnershipStatus,
    },
};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SimpleExpr},
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, JoinType,
    Order, PaginatorTrait, QueryFilter, QuerySelect, Statement,
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
        if let Some(rest) = self.profile_condition() {
            cond = cond.add(rest);
        }
        cond
    }

    /// The filters that are neither text nor facet dimensions, on `cluster` (`None` when none is
    /// active).
    fn profile_condition(&self) -> Option<Condition> {
        let mut cond = Condition::all();
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
        (!cond.is_empty()).then_some(cond)
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

    /// The filter of one facet dimension on the copies of the facet values in the PostgreSQL
    /// search row, if it is active.
    fn search_row_dimension(&self, facet: Facet) -> Option<Condition> {
        let column = |name: &str| Expr::col((cluster_search::Entity, Alias::new(name)));
        let condition = match facet {
            Facet::Country if !self.countries.is_empty() => column("country").is_in(self.countries.clone()),
            Facet::Kind if !self.kinds.is_empty() => column("kind").is_in(self.kinds.clone()),
            Facet::Label if !self.labels.is_empty() => column("label").is_in(self.labels.clone()),
            Facet::Ecosystem if !self.ecosystems.is_empty() => overlaps("ecosystems", &self.ecosystems),
            Facet::EmergingIndustry if !self.emerging_industries.is_empty() => {
                overlaps("emerging_industries", &self.emerging_industries)
            }
            _ => return None,
        };
        Some(Condition::all().add(condition))
    }
}

/// `cluster_search.<array>` has one of the values. They travel as one array literal: taxonomy
/// codes are capitals and underscores, nothing to escape.
fn overlaps<E: ActiveEnum<Value = String>>(array: &str, values: &[E]) -> SimpleExpr {
    let codes: Vec<String> = values.iter().map(ActiveEnum::to_value).collect();
    Expr::cust_with_values(
        format!("cluster_search.{array} && $1::text[]"),
        [format!("{{{}}}", codes.join(","))],
    )
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

/// A text match in relevance order, with the number of matches in all.
#[derive(FromQueryResult)]
struct RankedMatch {
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
    let text = TextQuery::resolve_optional(db, filter.query.as_deref()).await?;
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

/// Up to this many clusters left by a filter, a ranked search looks only at their documents
/// (see [`TextQuery::ranked_matches`]): a bounded cost, where ranking every match of a common
/// word is not. Past it, the full-text index finds the matches and the filter sorts them out.
const FEW_CANDIDATES: u64 = 5_000;

/// `SELECT id` of the clusters under `condition`.
fn candidates(condition: &Condition) -> SelectStatement {
    Query::select()
        .column((cluster::Entity, cluster::Column::Id))
        .from(cluster::Entity)
        .cond_where(condition.clone())
        .to_owned()
}

/// Whether the clusters under `condition` are few enough to rank text matches among them only.
/// Counting stops past the threshold, so a loose filter costs little to rule out.
async fn narrow_before_scoring<C: ConnectionTrait>(db: &C, condition: &Condition) -> AppResult<bool> {
    let backend = db.get_database_backend();
    let count = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("count"))
        .from_subquery(
            candidates(condition).limit(FEW_CANDIDATES + 1).to_owned(),
            Alias::new("candidate"),
        )
        .to_owned();
    let count: i64 = match db.query_one_raw(backend.build(&count)).await? {
        Some(row) => row.try_get("", "count")?,
        None => 0,
    };
    Ok(count <= FEW_CANDIDATES as i64)
}

/// A page of text matches, best first. One statement ranks the matches under the filter and
/// counts them (a window count), so the page and `totalCount` agree.
async fn ranked<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    text: &TextQuery,
    request: &PageRequest,
) -> AppResult<ClusterList> {
    let narrow = narrow_before_scoring(db, &condition).await?;
    ranked_with(db, condition, text, request, narrow).await
}

/// [`ranked`] with the plan chosen: `narrow` scores only the matches among the candidates.
async fn ranked_with<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    text: &TextQuery,
    request: &PageRequest,
    narrow: bool,
) -> AppResult<ClusterList> {
    let (among, rows_condition) = if narrow {
        // Matches narrowed to the candidates need no second test of the filter.
        (Some(candidates(&condition)), Condition::all())
    } else {
        (None, condition.clone())
    };
    let rows_of = |start: usize, end: usize| {
        let mut select = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .filter(rows_condition.clone());
        let text_match = Alias::new("text_match");
        QuerySelect::query(&mut select)
            .join_subquery(
                JoinType::InnerJoin,
                text.ranked_matches(among.clone()),
                text_match.clone(),
                Expr::col((text_match.clone(), Alias::new("cluster_id")))
                    .equals((cluster::Entity, cluster::Column::Id)),
            )
            .expr_as(Expr::cust("count(*) OVER ()"), Alias::new("total"))
            .order_by((text_match, Alias::new("score")), Order::Desc)
            .order_by((cluster::Entity, cluster::Column::Id), Order::Asc)
            .limit((end - start) as u64)
            .offset(start as u64);
        select.into_model::<RankedMatch>().all(db)
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
    let text = TextQuery::resolve_optional(db, filter.query.as_deref()).await?;
    let backend = db.get_database_backend();
    let source = match &text {
        Some(text) if backend == DatabaseBackend::Postgres => FacetSource::search_rows(visibility, filter, text),
        _ => FacetSource::clusters(visibility, filter, text.as_ref()),
    };
    let base = backend.build(&source.base);
    let counts: Vec<String> = Facet::ALL
        .into_iter()
        .map(|facet| {
            let list = match facet {
                Facet::Ecosystem => source.ecosystems,
                Facet::EmergingIndustry => source.emerging_industries,
                Facet::Country => ValueList::column("base.country"),
                Facet::Kind => ValueList::column("base.kind"),
                Facet::Label => ValueList::column("base.label"),
            };
            let conditions: Vec<String> = list
                .join
                .map(str::to_owned)
                .into_iter()
                .chain(
                    source
                        .active
                        .iter()
                        .filter(|f| **f != facet)
                        .map(|f| format!("base.passes_{} = 1", f.key())),
                )
                .collect();
            let condition = if conditions.is_empty() {
                "1 = 1".to_owned()
            } else {
                conditions.join(" AND ")
            };
            let (key, value, from) = (facet.key(), list.value, list.from);
            format!(
                "SELECT '{key}' AS facet, CAST({value} AS TEXT) AS value, COUNT(*) AS count FROM {from} WHERE {condition} GROUP BY {value}"
            )
        })
        .collect();
    // MATERIALIZED: SQLite would otherwise run `base`, text search and all, once per dimension.
    let sql = format!(
        "WITH base AS MATERIALIZED ({}) {}",
        base.sql,
        counts.join(" UNION ALL ")
    );
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

/// Where facet counts read the clusters that match all but the facet dimensions.
struct FacetSource {
    /// `id`, `country`, `kind`, `label` and a `passes_<facet>` flag (1 or 0) per active dimension.
    base: SelectStatement,
    active: Vec<Facet>,
    ecosystems: ValueList,
    emerging_industries: ValueList,
}

/// How a dimension's values are listed for the rows of `base`.
#[derive(Clone, Copy)]
struct ValueList {
    value: &'static str,
    from: &'static str,
    /// Joins `from`'s other table to `base`, as a WHERE term: `from` says `CROSS JOIN`, which
    /// makes SQLite go from `base` to the join table's rows (left to choose, it reads the whole
    /// join table), and which on PostgreSQL takes no `ON`.
    join: Option<&'static str>,
}

impl ValueList {
    fn column(value: &'static str) -> Self {
        Self {
            value,
            from: "base",
            join: None,
        }
    }
}

impl FacetSource {
    /// The `cluster` table and the join tables of its ecosystems and emerging industries.
    fn clusters(visibility: &Visibility, filter: &ClusterFilter, text: Option<&TextQuery>) -> Self {
        let mut base = Query::select()
            .columns([
                cluster::Column::Id,
                cluster::Column::Country,
                cluster::Column::Kind,
                cluster::Column::Label,
            ])
            .from(cluster::Entity)
            .cond_where(filter.condition(visibility, text, &Facet::ALL))
            .to_owned();
        let active = Self::flags(&mut base, |f| filter.dimension(f));
        Self {
            base,
            active,
            ecosystems: ValueList {
                value: "j.ecosystem",
                from: "base CROSS JOIN cluster_ecosystem j",
                join: Some("j.cluster_id = base.id"),
            },
            emerging_industries: ValueList {
                value: "j.emerging_industry",
                from: "base CROSS JOIN cluster_emerging_industry j",
                join: Some("j.cluster_id = base.id"),
            },
        }
    }

    /// PostgreSQL with a text query: the search rows the full-text index finds, which carry
    /// copies of the facet values (see the migration `search_row_facets`). Only the filters on
    /// other profile fields look at `cluster`.
    fn search_rows(visibility: &Visibility, filter: &ClusterFilter, text: &TextQuery) -> Self {
        let search = |column: &str| Expr::col((cluster_search::Entity, Alias::new(column)));
        let mut condition = Condition::all()
            .add(text.postgres_match())
            .add(visibility.condition_on(cluster_search::Entity, cluster_search::Column::ClusterId));
        if let Some(profile) = filter.profile_condition() {
            condition = condition.add(
                Expr::col((cluster_search::Entity, cluster_search::Column::ClusterId))
                    .in_subquery(candidates(&profile)),
            );
        }
        let mut base = Query::select()
            .expr_as(search("cluster_id"), Alias::new("id"))
            .exprs(["country", "kind", "label", "ecosystems", "emerging_industries"].map(search))
            .from(cluster_search::Entity)
            .cond_where(condition)
            .to_owned();
        let active = Self::flags(&mut base, |f| filter.search_row_dimension(f));
        Self {
            base,
            active,
            ecosystems: ValueList {
                value: "j.value",
                from: "base CROSS JOIN LATERAL unnest(base.ecosystems) AS j(value)",
                join: None,
            },
            emerging_industries: ValueList {
                value: "j.value",
                from: "base CROSS JOIN LATERAL unnest(base.emerging_industries) AS j(value)",
                join: None,
            },
        }
    }

    /// Adds a `passes_<facet>` flag to `base` for every active dimension; returns those.
    fn flags(base: &mut SelectStatement, dimension: impl Fn(Facet) -> Option<Condition>) -> Vec<Facet> {
        let mut active = Vec::new();
        for facet in Facet::ALL {
            if let Some(condition) = dimension(facet) {
                base.expr_as(
                    Expr::case(condition, 1).finally(0),
                    Alias::new(format!("passes_{}", facet.key())),
                );
                active.push(facet);
            }
        }
        active
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{auth::Caller, db, seed};

    /// What a test database leaves behind.
    enum Leftover {
        File(std::path::PathBuf),
        Schema(sea_orm::DatabaseConnection, String),
    }

    impl Leftover {
        async fn remove(self) {
            match self {
                Leftover::File(path) => drop(std::fs::remove_file(path)),
                Leftover::Schema(admin, schema) => {
                    let _ = admin.execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE")).await;
                }
            }
        }
    }

    /// A database of the test's own, as the integration tests make them: an SQLite file, or a
    /// schema in `TEST_DATABASE_URL`.
    async fn test_database() -> (sea_orm::DatabaseConnection, Leftover) {
        let id = Uuid::now_v7().simple().to_string();
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let admin = db::connect(&admin_url, 1).await.expect("connect");
                let schema = format!("unit_{id}");
                // Tests racing to create the extension: one wins, the others find it there.
                let _ = admin
                    .execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
                    .await;
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                    .await
                    .expect("schema");
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}%2Cpublic");
                let db = db::connect(&url, 2).await.expect("connect");
                (db, Leftover::Schema(admin, schema))
            }
            _ => {
                let path = std::env::temp_dir().join(format!("clusterbridge-unit-{id}.db"));
                let db = db::connect(&format!("sqlite://{}?mode=rwc", path.display()), 2)
                    .await
                    .expect("connect");
                (db, Leftover::File(path))
            }
        }
    }

    /// Both plans of a ranked search (matches narrowed to the candidates, or ranked first and
    /// filtered after) give the same pages and totals. At demo scale every filter is selective
    /// enough to narrow.
    #[tokio::test]
    async fn narrowed_and_filtered_ranking_agree() {
        let (db, leftover) = test_database().await;
        db::migrate(&db).await.expect("migrate");
        seed::load_demo_data(&db, seed::DemoAccounts::Skip)
            .await
            .expect("demo data");
        let visibility = Visibility::of(&Caller::Anonymous);
        let filters = [
            ClusterFilter::default(),
            ClusterFilter {
                countries: vec!["TW".into()],
                ..Default::default()
            },
            ClusterFilter {
                ecosystems: vec![Ecosystem::AerospaceDefence, Ecosystem::Electronics],
                ..Default::default()
            },
        ];
        let pages = [
            PageRequest {
                first: Some(2),
                ..Default::default()
            },
            PageRequest {
                last: Some(1),
                ..Default::default()
            },
        ];
        let mut matches_seen = 0;
        for query in ["aerospace", "航太", "circuit board", "aerospce"] {
            let text = TextQuery::resolve(&db, query).await.expect("query");
            for filter in &filters {
                let condition = filter.condition(&visibility, None, &[]);
                assert!(narrow_before_scoring(&db, &condition).await.expect("count"));
                for page in &pages {
                    let run = |narrow| ranked_with(&db, condition.clone(), &text, page, narrow);
                    let (narrowed, filtered) =
                        (run(true).await.expect("narrowed"), run(false).await.expect("filtered"));
                    let ids = |list: &ClusterList| list.page.items.iter().map(|(_, m)| m.id).collect::<Vec<_>>();
                    assert_eq!(ids(&narrowed), ids(&filtered), "{query} {filter:?}");
                    assert_eq!(narrowed.total, filtered.total, "{query} {filter:?}");
                    matches_seen += narrowed.total;
                }
            }
        }
        assert!(matches_seen > 10, "the cases must find something");
        drop(db);
        leftover.remove().await;
    }
}
