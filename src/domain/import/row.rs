//! One row of an import: the partner's external id and the cells of the known columns, written
//! onto a profile. Cells are text (CSV) or JSON values; lists are `|`-separated in CSV, arrays
//! (or the same `|` text) in JSON. A column the file leaves out keeps the stored value; an empty
//! cell clears it.

use entity::taxonomy::{ClusterKind, Ecosystem, EmergingIndustry, StaffBand};
use sea_orm::ActiveEnum;

use crate::{domain::cluster::ClusterProfile, error::FieldError};

/// The longest external id, as the column stores it.
pub const EXTERNAL_ID_MAX: usize = 100;

macro_rules! columns {
    ($($variant:ident = $name:literal,)*) => {
        /// A column of the import file, named as the API names the field.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Column { $($variant,)* }

        impl Column {
            pub const ALL: &'static [Column] = &[$(Column::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $(Column::$variant => $name,)* }
            }
        }
    };
}

columns! {
    ExternalId = "externalId",
    Name = "name",
    LocalName = "localName",
    Acronym = "acronym",
    Kind = "kind",
    Country = "country",
    Region = "region",
    City = "city",
    Website = "website",
    Description = "description",
    Language = "language",
    FoundedYear = "foundedYear",
    ManagementStaff = "managementStaff",
    MembersTotal = "membersTotal",
    MembersSme = "membersSme",
    MembersStartUp = "membersStartUp",
    MembersLargeCompany = "membersLargeCompany",
    MembersResearch = "membersResearch",
    MembersOther = "membersOther",
    Ecosystems = "ecosystems",
    EmergingIndustries = "emergingIndustries",
    Technologies = "technologies",
    TargetCountries = "targetCountries",
    ContactPerson = "contactPerson",
    ContactEmail = "contactEmail",
    ContactPhone = "contactPhone",
    Latitude = "latitude",
    Longitude = "longitude",
}

impl Column {
    /// The column a header names; letter case, spaces, `_` and `-` do not matter
    /// (`external_id`, `External ID`).
    pub fn named(header: &str) -> Option<Column> {
        let key = |s: &str| {
            s.chars()
                .filter(|c| !matches!(c, ' ' | '_' | '-'))
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        let wanted = key(header.trim());
        Column::ALL.iter().copied().find(|c| key(c.name()) == wanted)
    }
}

/// A cell: text, or a list a JSON array gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    List(Vec<String>),
}

impl Cell {
    fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t.trim().to_owned()).filter(|t| !t.is_empty()),
            Cell::List(items) => Some(items.join("|")).filter(|t| !t.is_empty()),
        }
    }

    fn list(&self) -> Vec<String> {
        match self {
            Cell::Text(t) => t
                .split('|')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            Cell::List(items) => items
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }
}

/// A row as read: its number in the file (1 for the first record after any header) and either
/// its cells or why it cannot be read.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u64,
    pub read: Result<RowCells, String>,
}

/// The cells of a readable row.
#[derive(Debug, Clone)]
pub struct RowCells {
    pub external_id: String,
    pub cells: Vec<(Column, Cell)>,
}

impl RowCells {
    /// The cells of a row with its external id checked: present, at most
    /// [`EXTERNAL_ID_MAX`] characters, no control characters.
    pub fn new(cells: Vec<(Column, Cell)>) -> Result<Self, String> {
        let external_id = cells
            .iter()
            .find(|(c, _)| *c == Column::ExternalId)
            .and_then(|(_, cell)| cell.text())
            .ok_or_else(|| "externalId: every row needs the partner's own id of the cluster".to_owned())?;
        if external_id.chars().count() > EXTERNAL_ID_MAX || external_id.chars().any(char::is_control) {
            return Err(format!(
                "externalId: at most {EXTERNAL_ID_MAX} characters, no control characters"
            ));
        }
        Ok(Self { external_id, cells })
    }

    /// Writes the cells onto `p`; cells that are not of their column's type are returned (the
    /// profile's own validation checks everything else).
    pub fn apply(&self, p: &mut ClusterProfile) -> Vec<FieldError> {
        let mut bad = Vec::new();
        for (column, cell) in &self.cells {
            let mut fail = |message: String| {
                bad.push(FieldError {
                    field: column.name().to_owned(),
                    message,
                })
            };
            let text = cell.text();
            match column {
                Column::ExternalId => {}
                Column::Name => p.name = text.unwrap_or_default(),
                Column::LocalName => p.local_name = text,
                Column::Acronym => p.acronym = text,
                Column::Kind => match code::<ClusterKind>(text.as_deref()) {
                    Ok(Some(kind)) => p.kind = kind,
                    Ok(None) => fail("give the kind of organisation".into()),
                    Err(m) => fail(m),
                },
                Column::Country => p.country = text.unwrap_or_default(),
                Column::Region => p.region = text,
                Column::City => p.city = text,
                Column::Website => p.website = text,
                Column::Description => p.description = text,
                Column::Language => p.language = text.unwrap_or_else(|| "en".into()),
                Column::FoundedYear => match number::<i32>(text.as_deref()) {
                    Ok(year) => p.founded_year = year,
                    Err(m) => fail(m),
                },
                Column::ManagementStaff => match code::<StaffBand>(text.as_deref()) {
                    Ok(band) => p.management_staff = band,
                    Err(m) => fail(m),
                },
                Column::MembersTotal
                | Column::MembersSme
                | Column::MembersStartUp
                | Column::MembersLargeCompany
                | Column::MembersResearch
                | Column::MembersOther => {
                    let counts = &mut p.member_counts;
                    let target = match column {
                        Column::MembersTotal => &mut counts.total,
                        Column::MembersSme => &mut counts.sme,
                        Column::MembersStartUp => &mut counts.start_up,
                        Column::MembersLargeCompany => &mut counts.large_company,
                        Column::MembersResearch => &mut counts.research,
                        _ => &mut counts.other,
                    };
                    match number::<i32>(text.as_deref()) {
                        Ok(n) => *target = n.unwrap_or(0),
                        Err(m) => fail(m),
                    }
                }
                Column::Ecosystems => match codes::<Ecosystem>(cell) {
                    Ok(values) => p.ecosystems = values,
                    Err(m) => fail(m),
                },
                Column::EmergingIndustries => match codes::<EmergingIndustry>(cell) {
                    Ok(values) => p.emerging_industries = values,
                    Err(m) => fail(m),
                },
                Column::Technologies => p.technologies = cell.list(),
                Column::TargetCountries => p.target_countries = cell.list(),
                Column::ContactPerson => p.contact.person = text,
                Column::ContactEmail => p.contact.email = text,
                Column::ContactPhone => p.contact.phone = text,
                Column::Latitude => match number::<f64>(text.as_deref()) {
                    Ok(v) => p.latitude = v,
                    Err(m) => fail(m),
                },
                Column::Longitude => match number::<f64>(text.as_deref()) {
                    Ok(v) => p.longitude = v,
                    Err(m) => fail(m),
                },
            }
        }
        bad
    }
}

/// A taxonomy code as the API spells it (`CLUSTER_ORGANISATION`); empty is none.
fn code<E: ActiveEnum<Value = String>>(text: Option<&str>) -> Result<Option<E>, String> {
    let Some(text) = text else { return Ok(None) };
    let wanted = text.trim().to_ascii_uppercase().replace([' ', '-'], "_");
    E::try_from_value(&wanted).map(Some).map_err(|_| {
        let known: Vec<String> = E::iter().map(|e| e.to_value()).collect();
        format!("{text:?} is none of {}", known.join(", "))
    })
}

fn codes<E: ActiveEnum<Value = String>>(cell: &Cell) -> Result<Vec<E>, String> {
    cell.list()
        .iter()
        .map(|t| code::<E>(Some(t)).map(|v| v.into_iter()))
        .try_fold(Vec::new(), |mut all, v| {
            all.extend(v?);
            Ok(all)
        })
}

fn number<N: std::str::FromStr>(text: Option<&str>) -> Result<Option<N>, String> {
    match text {
        None => Ok(None),
        Some(t) => t.trim().parse().map(Some).map_err(|_| format!("{t:?} is not a number")),
    }
}
