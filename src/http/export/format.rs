//! The export's three formats, written a page at a time: CSV (a `# ` licence line, a header row,
//! lists `|`-separated), JSON (an envelope `{licence, exportedAt, <kind>: […]}`) and JSON Lines
//! (a first line with the licence and export time, then one record a line).

use serde_json::{Map, Value};

use crate::domain::export::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    JsonLines,
}

impl Format {
    pub fn of_extension(extension: &str) -> Option<Format> {
        match extension {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::JsonLines),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Json => "application/json",
            Format::JsonLines => "application/jsonl",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
        }
    }
}

/// Writes one export: `head`, then `rows` for each page, then `tail`.
pub struct Encoder {
    format: Format,
    kind: Kind,
    columns: Vec<&'static str>,
    first: bool,
}

impl Encoder {
    pub fn new(format: Format, kind: Kind, columns: Vec<&'static str>) -> Self {
        Self {
            format,
            kind,
            columns,
            first: true,
        }
    }

    pub fn head(&self, licence: &str, exported_at: &str) -> Vec<u8> {
        let meta = |with_kind: bool| {
            let mut m = Map::new();
            m.insert("licence".into(), licence.into());
            m.insert("exportedAt".into(), exported_at.into());
            if with_kind {
                m.insert("kind".into(), self.kind.name().into());
            }
            m
        };
        match self.format {
            Format::Csv => {
                // One line; a licence with a line break would start a record.
                let licence = licence.replace(['\r', '\n'], " ");
                let mut out = format!("# Licence: {licence}. Exported at {exported_at}.\n").into_bytes();
                out.extend(csv_line(self.columns.iter().map(|c| c.to_string())));
                out
            }
            Format::Json => {
                let envelope = Value::Object(meta(false)).to_string();
                // `{"licence":…,"exportedAt":…` then the list opens; the records follow.
                let open = &envelope[..envelope.len() - 1];
                format!("{open},\"{}\":[", self.kind.name()).into_bytes()
            }
            Format::JsonLines => {
                let mut out = Value::Object(meta(true)).to_string().into_bytes();
                out.push(b'\n');
                out
            }
        }
    }

    pub fn rows(&mut self, rows: Vec<Vec<Value>>) -> Vec<u8> {
        let mut out = Vec::with_capacity(rows.len() * 512);
        for values in rows {
            match self.format {
                Format::Csv => out.extend(csv_line(values.iter().map(csv_cell))),
                Format::Json | Format::JsonLines => {
                    if self.format == Format::Json && !self.first {
                        out.push(b',');
                    }
                    let record: Map<String, Value> = self.columns.iter().map(|c| c.to_string()).zip(values).collect();
                    out.extend(Value::Object(record).to_string().into_bytes());
                    if self.format == Format::JsonLines {
                        out.push(b'\n');
                    }
                }
            }
            self.first = false;
        }
        out
    }

    pub fn tail(&self) -> Vec<u8> {
        match self.format {
            Format::Json => b"]}\n".to_vec(),
            Format::Csv | Format::JsonLines => Vec::new(),
        }
    }
}

fn csv_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(csv_cell).collect::<Vec<_>>().join("|"),
        other => other.to_string(),
    }
}

/// One CSV record, quoted where RFC 4180 asks.
fn csv_line(cells: impl Iterator<Item = String>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let cells: Vec<String> = cells.collect();
    // Writing to a Vec cannot fail; an error would mean a bug in the csv crate.
    if writer.write_record(&cells).is_err() {
        return Vec::new();
    }
    writer.into_inner().unwrap_or_default()
}
