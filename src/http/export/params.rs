//! The export's query parameters: the filter of `clusters(filter:)` with the same names
//! (`countries=TW,DE`, repeated or comma-separated; `memberCountMin`, `foundedYearMax` for the
//! ranges), checked as the GraphQL filter is. Anything else is refused, naming the parameter.

use entity::taxonomy::{ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, PartnershipKind};
use sea_orm::ActiveEnum;

use crate::{
    domain::discovery::ClusterFilter,
    error::{AppError, AppResult, FieldError},
};

/// Values one parameter may list; more is no filter anyone needs.
const MAX_VALUES: usize = 300;

pub fn cluster_filter(query_string: &str, clusters: bool) -> AppResult<ClusterFilter> {
    let mut filter = ClusterFilter::default();
    let mut bad = Vec::new();
    let mut fail = |field: &str, message: String| {
        bad.push(FieldError {
            field: field.to_owned(),
            message,
        })
    };
    for (name, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        if !clusters {
            fail(&name, "only the cluster export takes filters".into());
            continue;
        }
        let values: Vec<String> = value
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if values.len() > MAX_VALUES {
            fail(&name, format!("at most {MAX_VALUES} values"));
            continue;
        }
        let field = format!("filter.{name}");
        let result = match name.as_ref() {
            "query" => {
                filter.query = Some(value.into_owned());
                Ok(())
            }
            "countries" => {
                filter.countries.extend(values);
                Ok(())
            }
            "regions" => {
                filter.regions.extend(values);
                Ok(())
            }
            "targetCountries" => {
                filter.target_countries.extend(values);
                Ok(())
            }
            "ecosystems" => codes::<Ecosystem>(&values).map(|v| filter.ecosystems.extend(v)),
            "emergingIndustries" => codes::<EmergingIndustry>(&values).map(|v| filter.emerging_industries.extend(v)),
            "kinds" => codes::<ClusterKind>(&values).map(|v| filter.kinds.extend(v)),
            "labels" => codes::<ClusterLabel>(&values).map(|v| filter.labels.extend(v)),
            "statuses" => codes::<ClusterStatus>(&values).map(|v| filter.statuses.extend(v)),
            "hasActivePartnershipOfKind" => {
                codes::<PartnershipKind>(&values).map(|v| filter.active_partnership_kinds.extend(v))
            }
            "memberCountMin" => number(&value).map(|n| filter.member_count.min = Some(n)),
            "memberCountMax" => number(&value).map(|n| filter.member_count.max = Some(n)),
            "foundedYearMin" => number(&value).map(|n| filter.founded_year.min = Some(n)),
            "foundedYearMax" => number(&value).map(|n| filter.founded_year.max = Some(n)),
            _ => Err("no such parameter: the filter's fields are those of clusters(filter:)".to_owned()),
        };
        if let Err(message) = result {
            fail(&field, message);
        }
    }
    if !bad.is_empty() {
        let names: Vec<&str> = bad.iter().map(|f| f.field.as_str()).collect();
        return Err(AppError::BadUserInput {
            message: format!("bad parameters: {}", names.join(", ")),
            fields: bad,
        });
    }
    filter.validate()?;
    Ok(filter)
}

fn codes<E: ActiveEnum<Value = String>>(values: &[String]) -> Result<Vec<E>, String> {
    values
        .iter()
        .map(|v| {
            E::try_from_value(&v.to_ascii_uppercase()).map_err(|_| {
                let known: Vec<String> = E::iter().map(|e| e.to_value()).collect();
                format!("{v:?} is none of {}", known.join(", "))
            })
        })
        .collect()
}

fn number(value: &str) -> Result<i32, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{value:?} is not a whole number"))
}
