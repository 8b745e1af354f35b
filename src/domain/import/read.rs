//! Reading an import file as it streams: CSV (header row, UTF-8 with or without a byte-order
//! mark, `;` or `,` found from the header), a JSON array of objects, or JSON Lines. Rows are
//! handed on in batches, so memory holds one batch, never the file.

use std::io::{BufRead, BufReader, Read};

use serde::de::{Deserializer as _, SeqAccess, Visitor};
use serde_json::Value;

use super::{
    row::{Cell, Column, Row, RowCells},
    Format,
};

/// Why a file cannot be read on: its header, or its syntax at some row.
pub type FileError = String;

/// Reads `source`, handing rows on to `send` `batch` at a time; `send` answers false to stop.
/// Returns the rows read.
pub fn read_rows<R: Read>(
    source: R,
    format: Format,
    batch: usize,
    send: &mut dyn FnMut(Vec<Row>) -> bool,
) -> Result<u64, FileError> {
    let mut out = Batcher {
        rows: Vec::with_capacity(batch),
        batch,
        send,
        read: 0,
        stopped: false,
    };
    let mut source = BufReader::with_capacity(64 * 1024, source);
    skip_bom(&mut source).map_err(|e| format!("the file cannot be read: {e}"))?;
    match format {
        Format::Csv => read_csv(source, &mut out)?,
        Format::Json => read_json_array(source, &mut out)?,
        Format::JsonLines => read_json_lines(source, &mut out)?,
    }
    out.flush();
    Ok(out.read)
}

struct Batcher<'a> {
    rows: Vec<Row>,
    batch: usize,
    send: &'a mut dyn FnMut(Vec<Row>) -> bool,
    read: u64,
    stopped: bool,
}

impl Batcher<'_> {
    /// Takes the next row; false once the receiver wants no more.
    fn push(&mut self, read: Result<RowCells, String>) -> bool {
        self.read += 1;
        self.rows.push(Row {
            number: self.read,
            read,
        });
        if self.rows.len() >= self.batch {
            self.flush();
        }
        !self.stopped
    }

    fn flush(&mut self) {
        if !self.rows.is_empty() && !self.stopped {
            let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(self.batch));
            self.stopped = !(self.send)(rows);
        }
    }
}

fn skip_bom<R: Read>(source: &mut BufReader<R>) -> std::io::Result<()> {
    let head = source.fill_buf()?;
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        source.consume(3);
    }
    Ok(())
}

/// `;` when the header line holds more of them than of `,` (outside quotes), else `,`.
fn delimiter(header: &[u8]) -> u8 {
    let (mut quoted, mut commas, mut semicolons) = (false, 0, 0);
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

fn read_csv<R: Read>(mut source: BufReader<R>, out: &mut Batcher) -> Result<(), FileError> {
    let mut header = Vec::new();
    source
        .read_until(b'\n', &mut header)
        .map_err(|e| format!("the file cannot be read: {e}"))?;
    let delimiter = delimiter(&header);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(std::io::Cursor::new(header).chain(source));
    let headers = reader
        .headers()
        .map_err(|e| format!("the header row cannot be read: {e}"))?
        .clone();
    let mut columns = Vec::with_capacity(headers.len());
    let mut unknown = Vec::new();
    for name in headers.iter() {
        match Column::named(name) {
            Some(c) if columns.contains(&c) => return Err(format!("the column {} appears twice", c.name())),
            Some(c) => columns.push(c),
            None => unknown.push(name.to_owned()),
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "unknown columns: {} (the columns are listed in the README, under Import)",
            unknown.join(", ")
        ));
    }
    if !columns.contains(&Column::ExternalId) {
        return Err("the header names no externalId column".into());
    }
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) if record.len() == 1 && record.get(0).is_some_and(str::is_empty) => continue,
            Ok(true) => {
                let row = if record.len() != columns.len() {
                    Err(format!(
                        "the row has {} cells, the header {}",
                        record.len(),
                        columns.len()
                    ))
                } else {
                    let cells = columns
                        .iter()
                        .zip(record.iter())
                        .map(|(c, v)| (*c, Cell::Text(v.to_owned())))
                        .collect();
                    RowCells::new(cells)
                };
                if !out.push(row) {
                    return Ok(());
                }
            }
            // A row that is not UTF-8 is that row's problem; the reader goes on after it.
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                if !out.push(Err("the row is not UTF-8".into())) {
                    return Ok(());
                }
            }
            Err(e) => return Err(format!("row {}: {e}", out.read + 1)),
        }
    }
}

/// A JSON object's members as cells; a value that is neither text, number, boolean, null nor an
/// array of those is refused.
fn object_row(value: Value) -> Result<RowCells, String> {
    let Value::Object(members) = value else {
        return Err("the row is not a JSON object".into());
    };
    let mut cells = Vec::with_capacity(members.len());
    for (name, value) in members {
        let column = Column::named(&name).ok_or_else(|| format!("{name}: no such column"))?;
        let scalar = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => Some(String::new()),
            _ => None,
        };
        let cell = match &value {
            Value::Array(items) => Cell::List(
                items
                    .iter()
                    .map(scalar)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| format!("{name}: a list holds text or numbers only"))?,
            ),
            other => Cell::Text(scalar(other).ok_or_else(|| format!("{name}: give text, a number or a list"))?),
        };
        cells.push((column, cell));
    }
    RowCells::new(cells)
}

fn read_json_lines<R: Read>(source: BufReader<R>, out: &mut Batcher) -> Result<(), FileError> {
    for line in source.lines() {
        let line = line.map_err(|e| format!("row {}: {e}", out.read + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let row = serde_json::from_str::<Value>(&line)
            .map_err(|e| format!("not JSON: {e}"))
            .and_then(object_row);
        if !out.push(row) {
            return Ok(());
        }
    }
    Ok(())
}

/// The array's elements one at a time, as serde reads them: never the whole array at once.
fn read_json_array<R: Read>(source: BufReader<R>, out: &mut Batcher) -> Result<(), FileError> {
    struct Elements<'a, 'b>(&'a mut Batcher<'b>);

    impl<'de> Visitor<'de> for Elements<'_, '_> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of objects")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(value) = seq.next_element::<Value>()? {
                if !self.0.push(object_row(value)) {
                    // The rest is not read; serde wants the sequence drained, so say it ended.
                    return Err(serde::de::Error::custom(STOPPED));
                }
            }
            Ok(())
        }
    }

    const STOPPED: &str = "stopped";
    let mut json = serde_json::Deserializer::from_reader(source);
    match json.deserialize_seq(Elements(out)) {
        Ok(()) => json.end().map_err(|e| format!("after the array: {e}")),
        Err(e) if e.to_string().starts_with(STOPPED) => Ok(()),
        Err(e) => Err(format!("row {}: {e}", out.read + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, format: Format) -> Result<Vec<Row>, FileError> {
        let mut all = Vec::new();
        read_rows(text.as_bytes(), format, 2, &mut |rows| {
            all.extend(rows);
            true
        })?;
        Ok(all)
    }

    #[test]
    fn reads_csv_with_a_bom_and_semicolons() {
        let text = "\u{feff}externalId;name;ecosystems\nA-1;\"Alpha; the first\";DIGITAL|HEALTH\nA-2;Beta;\n";
        let rows = rows(text, Format::Csv).unwrap();
        assert_eq!(rows.len(), 2);
        let first = rows[0].read.as_ref().unwrap();
        assert_eq!(first.external_id, "A-1");
        assert_eq!(first.cells[1].1, Cell::Text("Alpha; the first".into()));
    }

    #[test]
    fn refuses_unknown_columns_and_names_short_rows() {
        assert!(rows("externalId,colour\nA,red\n", Format::Csv)
            .unwrap_err()
            .contains("colour"));
        let rows = rows("externalId,name\nA\n", Format::Csv).unwrap();
        assert!(rows[0].read.as_ref().unwrap_err().contains("cells"));
    }

    #[test]
    fn reads_json_arrays_and_lines() {
        let array = r#"[{"externalId": "A", "ecosystems": ["DIGITAL"]}, 7, {"name": "no id"}]"#;
        let rows = rows(array, Format::Json).unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].read.is_ok() && rows[1].read.is_err() && rows[2].read.is_err());
        let lines = "{\"externalId\": 1}\n\n{oops\n";
        let rows = super::tests::rows(lines, Format::JsonLines).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].read.as_ref().unwrap().external_id, "1");
        assert!(rows[1].read.is_err());
        assert!(super::tests::rows("[{\"externalId\": \"A\"}", Format::Json).is_err());
    }
}
