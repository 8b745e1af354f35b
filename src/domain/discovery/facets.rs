//! Facet counts for filter UIs: every value of every dimension with the number of clusters it
//! would give under the other active filters, in one statement.

use entity::{cluster, cluster_search};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
    Condition, ConnectionTrait, DatabaseBackend, FromQueryResult, Statement,
};

use super::filter::{candidates, ClusterFilter, Facet};
use crate::{
    domain::{policy::Visibility, search::TextQuery},
    error::AppResult,
};

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
