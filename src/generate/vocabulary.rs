//! The words synthetic directories are made of: countries, places, sectors with their ecosystem
//! and keywords, name suffixes and member names.

use entity::taxonomy::Ecosystem;

pub const COUNTRIES: [&str; 30] = [
    "DE", "FR", "ES", "IT", "NL", "BE", "AT", "PL", "CZ", "SE", "DK", "FI", "PT", "IE", "GR", "HU", "RO", "SK", "SI",
    "LT", "LV", "EE", "TW", "JP", "KR", "US", "CA", "NO", "CH", "IL",
];
pub const PLACES: [&str; 24] = [
    "Baltic",
    "Rhine",
    "Danube",
    "Alpine",
    "Atlantic",
    "Nordic",
    "Iberian",
    "Adriatic",
    "Bavarian",
    "Flemish",
    "Silesian",
    "Moravian",
    "Lombard",
    "Catalan",
    "Provence",
    "Saxon",
    "Hsinchu",
    "Taichung",
    "Kyushu",
    "Ontario",
    "Carpathian",
    "Aegean",
    "Celtic",
    "Pannonian",
];
pub const SECTORS: [(&str, Ecosystem, &[&str]); 12] = [
    (
        "Aerospace",
        Ecosystem::AerospaceDefence,
        &["aerospace", "avionics", "composites", "satellites", "drones"],
    ),
    (
        "Digital",
        Ecosystem::Digital,
        &["5G", "cloud", "artificial intelligence", "cybersecurity", "IoT"],
    ),
    (
        "Electronics",
        Ecosystem::Electronics,
        &["semiconductors", "printed circuit boards", "sensors", "photonics"],
    ),
    (
        "Wind Energy",
        Ecosystem::EnergyRenewables,
        &["wind energy", "offshore wind", "hydrogen", "energy storage"],
    ),
    (
        "Circular Economy",
        Ecosystem::EnergyIntensive,
        &["circular economy", "recycling", "green steel", "bioplastics"],
    ),
    (
        "Health",
        Ecosystem::Health,
        &["medical devices", "biotech", "diagnostics", "digital health"],
    ),
    (
        "Mobility",
        Ecosystem::MobilityTransportAutomotive,
        &["electric vehicles", "batteries", "autonomous driving"],
    ),
    (
        "Food",
        Ecosystem::AgriFood,
        &["food safety", "precision farming", "aquaculture", "food processing"],
    ),
    (
        "Textile",
        Ecosystem::Textiles,
        &["technical textiles", "smart fabrics", "fashion"],
    ),
    (
        "Construction",
        Ecosystem::Construction,
        &["timber construction", "building information modelling"],
    ),
    ("Creative", Ecosystem::CulturalCreative, &["games", "design", "media"]),
    ("Tourism", Ecosystem::Tourism, &["sustainable tourism", "hospitality"]),
];
/// Names in the language of the place, so search meets more than English.
pub const SUFFIXES: [(&str, &str); 8] = [
    ("DE", "Cluster e.V."),
    ("FR", "Pôle de compétitivité"),
    ("ES", "Clúster"),
    ("IT", "Distretto Tecnologico"),
    ("PL", "Klaster"),
    ("TW", "產業聚落"),
    ("JP", "産業クラスター"),
    ("NL", "Cluster"),
];
pub const MEMBER_WORDS: [&str; 16] = [
    "Precision",
    "Systems",
    "Dynamics",
    "Labs",
    "Works",
    "Solutions",
    "Industries",
    "Technologies",
    "Robotics",
    "Materials",
    "Engineering",
    "Components",
    "Analytics",
    "Devices",
    "Energy",
    "Foods",
];
pub const COMPANY_FORMS: [&str; 6] = ["GmbH", "SAS", "S.L.", "S.r.l.", "Ltd", "Co., Ltd."];
