//! What a cluster list is narrowed to: the filter input, checked, and its SQL on `cluster` and on
//! the PostgreSQL search row, dimension by dimension so facet counts can leave one out.

use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_search, cluster_target_country, partnership,
    partnership_member,
    taxonomy::{
        ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, InvitationState, PartnershipKind,
        PartnershipStatus,
    },
};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SimpleExpr},
    ActiveEnum, ColumnTrait, Condition,
};

use crate::domain::{
    policy::Visibility,
    search::TextQuery,
    validation::{Checker, NAME_MAX},
};
use crate::error::AppResult;

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
    /// Clusters with one of these among their target countries.
    pub target_countries: Vec<String>,
    /// Clusters whose profile changed at or after this moment.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
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
    pub(super) const ALL: [Facet; 5] = [
        Facet::Country,
        Facet::Ecosystem,
        Facet::EmergingIndustry,
        Facet::Kind,
        Facet::Label,
    ];

    /// The facet's name in SQL (a flag column) and in the facet query's result rows.
    pub(super) fn key(self) -> &'static str {
        match self {
            Facet::Country => "country",
            Facet::Ecosystem => "ecosystem",
            Facet::EmergingIndustry => "emerging_industry",
            Facet::Kind => "kind",
            Facet::Label => "label",
        }
    }
}

fn collapse<T: Ord>(values: &mut Vec<T>) {
    values.sort();
    values.dedup();
}

impl ClusterFilter {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.countries("filter.countries", &mut self.countries);
        check.countries("filter.targetCountries", &mut self.target_countries);
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
        // Values are alternatives: a repeated one adds nothing but bound variables.
        self.regions.sort();
        self.regions.dedup();
        collapse(&mut self.ecosystems);
        collapse(&mut self.emerging_industries);
        collapse(&mut self.kinds);
        collapse(&mut self.labels);
        collapse(&mut self.statuses);
        collapse(&mut self.active_partnership_kinds);
        check.finish()
    }

    /// The filter as SQL on `cluster`, with the dimensions in `except` left out (facet counts
    /// apply those separately), and the text query when there is one.
    pub(super) fn condition(&self, visibility: &Visibility, text: Option<&TextQuery>, except: &[Facet]) -> Condition {
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
    pub(super) fn profile_condition(&self) -> Option<Condition> {
        let mut cond = Condition::all();
        if !self.regions.is_empty() {
            cond = cond.add(cluster::Column::Region.is_in(self.regions.clone()));
        }
        if !self.statuses.is_empty() {
            cond = cond.add(cluster::Column::Status.is_in(self.statuses.clone()));
        }
        if let Some(since) = self.updated_since {
            cond = cond.add(cluster::Column::UpdatedAt.gte(since));
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
        if !self.target_countries.is_empty() {
            cond = cond.add(
                cluster::Column::Id.in_subquery(
                    Query::select()
                        .column(cluster_target_country::Column::ClusterId)
                        .from(cluster_target_country::Entity)
                        .and_where(cluster_target_country::Column::Country.is_in(self.target_countries.clone()))
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
    pub(super) fn dimension(&self, facet: Facet) -> Option<Condition> {
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
    pub(super) fn search_row_dimension(&self, facet: Facet) -> Option<Condition> {
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

/// `SELECT id` of the clusters under `condition`.
pub(super) fn candidates(condition: &Condition) -> SelectStatement {
    Query::select()
        .column((cluster::Entity, cluster::Column::Id))
        .from(cluster::Entity)
        .cond_where(condition.clone())
        .to_owned()
}
