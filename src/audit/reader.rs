//! Inputs and record streams: CSV/TSV, JSON Lines, and folders of transcripts.
//!
//! [`discover`] turns the command line's paths into [`AuditInput`]s in a
//! stable order; [`open`] gives a [`RecordStream`] that yields one
//! [`RawRecord`] at a time, never holding more than one record (plus the
//! read buffer) of the input. Turning a raw record into a [`Record`] is
//! [`Shape::decode`], a pure function run on the worker threads.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;
use serde_json::Value;

use super::columns::{ColumnNames, Field, Layout};
use super::config::AuditConfig;
use super::record::{ErrorKind, FieldDecoder, Record};
use super::split::{CsvRecord, CsvSplitter, Line, LineReader, MAX_RECORD_BYTES, Split};
use crate::decode::{Decoded, decode};

/// Read-buffer size: large reads keep system-call overhead negligible.
const READ_BUFFER: usize = 1 << 20;

/// Extensions read as transcripts (one record per file) inside folders.
const TRANSCRIPT_EXTENSIONS: &[&str] = &["txt", "md", "text", "log", "srt", "vtt"];

/// One input of the audit, as found on disk.
#[derive(Clone, Debug)]
pub struct AuditInput {
    /// The path as users see it.
    pub path: String,
    /// How to read it.
    pub kind: InputKind,
    /// Its size in bytes (the sum over a folder's transcripts).
    pub size: u64,
}

/// How an input is read.
#[derive(Clone, Debug)]
pub enum InputKind {
    /// Delimited text with a header row.
    Csv {
        /// The field delimiter (`,` or tab).
        delimiter: u8,
    },
    /// One JSON object per line.
    Jsonl,
    /// Transcript files, one record each (a folder's text files).
    Transcripts(Vec<PathBuf>),
    /// The input cannot be read at all.
    Unreadable(String),
}

impl InputKind {
    /// The format's name in the summary.
    pub fn name(&self) -> &'static str {
        match self {
            InputKind::Csv { delimiter: b'\t' } => "tsv",
            InputKind::Csv { .. } => "csv",
            InputKind::Jsonl => "jsonl",
            InputKind::Transcripts(_) => "transcripts",
            InputKind::Unreadable(_) => "unreadable",
        }
    }
}

/// Expands `paths` into inputs. A folder gives one input per CSV/TSV/JSONL
/// file in it and one transcripts input for its other text files.
pub fn discover(paths: &[PathBuf]) -> Vec<AuditInput> {
    let mut inputs = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        if path.is_dir() {
            walk(path, &mut inputs);
        } else {
            match std::fs::metadata(path) {
                Ok(meta) => inputs.push(AuditInput {
                    path: shown,
                    kind: table_kind(path).unwrap_or_else(|| sniff(path)),
                    size: meta.len(),
                }),
                Err(e) => inputs.push(AuditInput {
                    path: shown,
                    kind: InputKind::Unreadable(format!("cannot read: {e}")),
                    size: 0,
                }),
            }
        }
    }
    inputs
}

fn walk(dir: &Path, inputs: &mut Vec<AuditInput>) {
    let mut transcripts = Vec::new();
    let mut size = 0;
    let walker = WalkBuilder::new(dir)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                inputs.push(AuditInput {
                    path: dir.display().to_string(),
                    kind: InputKind::Unreadable(e.to_string()),
                    size: 0,
                });
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let len = entry.metadata().map_or(0, |m| m.len());
        let path = entry.into_path();
        if let Some(kind) = table_kind(&path) {
            inputs.push(AuditInput {
                path: path.display().to_string(),
                kind,
                size: len,
            });
        } else if has_extension(&path, TRANSCRIPT_EXTENSIONS) {
            size += len;
            transcripts.push(path);
        }
    }
    if !transcripts.is_empty() {
        inputs.push(AuditInput {
            path: dir.display().to_string(),
            kind: InputKind::Transcripts(transcripts),
            size,
        });
    }
}

fn has_extension(path: &Path, list: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| list.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// The table format named by the extension, if any.
fn table_kind(path: &Path) -> Option<InputKind> {
    if has_extension(path, &["csv"]) {
        Some(InputKind::Csv { delimiter: b',' })
    } else if has_extension(path, &["tsv"]) {
        Some(InputKind::Csv { delimiter: b'\t' })
    } else if has_extension(path, &["jsonl", "ndjson", "json"]) {
        Some(InputKind::Jsonl)
    } else {
        None
    }
}

/// A file without a known extension: JSONL if it starts with `{`, else CSV.
fn sniff(path: &Path) -> InputKind {
    use std::io::Read;
    let mut head = [0u8; 64];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let text = head[..n]
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&head[..n]);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => InputKind::Jsonl,
        _ => InputKind::Csv { delimiter: b',' },
    }
}

/// Decodes the mapped fields of a CSV row.
///
/// A row in UTF-8 (the common case) is validated at once and becomes the
/// record's string; otherwise each mapped field is decoded on its own, so
/// that an error names the field and a bad byte in an unmapped column does
/// not matter.
fn csv_record(
    layout: &Layout,
    row: CsvRecord,
    decoder: &FieldDecoder,
) -> Result<Record, (ErrorKind, String)> {
    let CsvRecord { bytes, fields } = row;
    let bytes = if decoder.encoding.is_none() {
        // simdutf8 validates Chinese text several times faster than std;
        // the copy that follows costs less than the difference.
        match simdutf8::basic::from_utf8(&bytes).map(str::to_owned) {
            Ok(values) => {
                let spans = Field::ALL.map(|field| {
                    layout
                        .get(field)
                        .map_or(0..0, |column| fields[column].clone())
                });
                return Record::from_spans(values, spans).ok_or_else(|| {
                    let message = "a field boundary splits a character".to_string();
                    (ErrorKind::Undecodable, message)
                });
            }
            Err(_) => bytes,
        }
    } else {
        bytes
    };
    let mut record = Record::default();
    for field in Field::ALL {
        if let Some(column) = layout.get(field) {
            record.set(field, &decoder.text(field, &bytes[fields[column].clone()])?);
        }
    }
    Ok(record)
}

/// One record as read, before decoding.
#[derive(Debug)]
pub struct RawRecord {
    /// The file it is in (a transcript's own path inside a folder).
    pub path: Arc<str>,
    /// The 1-based line it starts on.
    pub row: u64,
    /// Its content.
    pub body: RawBody,
}

/// The content of a raw record.
#[derive(Debug)]
pub enum RawBody {
    /// A CSV row with the header's number of fields.
    Csv(CsvRecord),
    /// A JSONL line.
    Json(Vec<u8>),
    /// A whole transcript file.
    Transcript(Vec<u8>),
    /// Nothing to check: an empty line or row, a binary file.
    Blank,
    /// Malformed before decoding (quoting, column count, length).
    Malformed(ErrorKind, String),
}

impl RawBody {
    /// Approximate bytes held, for chunk sizing.
    pub fn weight(&self) -> usize {
        match self {
            RawBody::Csv(r) => r.bytes.len(),
            RawBody::Json(b) | RawBody::Transcript(b) => b.len(),
            RawBody::Blank | RawBody::Malformed(..) => 0,
        }
    }
}

/// How the fields of an input's records are found.
#[derive(Clone, Debug)]
pub enum Shape {
    /// CSV columns.
    Csv(Layout),
    /// JSON object keys.
    Jsonl(Arc<ColumnNames>),
    /// The whole file is the text.
    Transcript,
}

impl Shape {
    /// Decodes and validates a raw body; `Ok(None)` for a blank one.
    pub fn decode(
        &self,
        body: RawBody,
        decoder: &FieldDecoder,
        config: &AuditConfig,
    ) -> Result<Option<Record>, (ErrorKind, String)> {
        let mut record = Record::default();
        match (self, body) {
            (_, RawBody::Blank) => return Ok(None),
            (_, RawBody::Malformed(kind, message)) => return Err((kind, message)),
            (Shape::Csv(layout), RawBody::Csv(row)) => {
                record = csv_record(layout, row, decoder)?;
            }
            (Shape::Jsonl(names), RawBody::Json(line)) => {
                let object: serde_json::Map<String, Value> = serde_json::from_slice(&line)
                    .map_err(|e| {
                        let kind = if std::str::from_utf8(&line).is_err() {
                            ErrorKind::Undecodable
                        } else {
                            ErrorKind::InvalidJson
                        };
                        (kind, format!("invalid JSON object: {e}"))
                    })?;
                let mut has_text = false;
                for field in Field::ALL {
                    let value = names.of(field).iter().find_map(|name| {
                        object
                            .iter()
                            .find(|(key, _)| key.trim().eq_ignore_ascii_case(name.trim()))
                            .map(|(_, v)| v)
                    });
                    has_text |= field == Field::Text && value.is_some();
                    match value {
                        None | Some(Value::Null) => {}
                        Some(Value::String(s)) => record.set(field, s),
                        Some(other) => record.set(field, &other.to_string()),
                    }
                }
                if !has_text {
                    let tried = names.of(Field::Text).join(", ");
                    return Err((
                        ErrorKind::MissingText,
                        format!("no text field (tried: {tried})"),
                    ));
                }
            }
            (Shape::Transcript, RawBody::Transcript(bytes)) => {
                match decode(&bytes, decoder.encoding) {
                    Ok(Decoded::Text { text, .. }) => record.set(Field::Text, &text),
                    Ok(Decoded::Binary) => return Ok(None),
                    Err(e) => return Err((ErrorKind::Undecodable, e.to_string())),
                }
            }
            (_, body) => unreachable!("a {self:?} input yields no {body:?}"),
        }
        record.time = decoder.time(record.get(Field::Time))?;
        record.connected = config
            .connected(record.get(Field::Connected))
            .map_err(|message| (ErrorKind::BadConnected, message))?;
        Ok(Some(record))
    }
}

/// A stream of raw records from one input.
pub enum RecordStream {
    /// CSV rows after the header.
    Csv {
        /// The splitter.
        splitter: CsvSplitter<BufReader<File>>,
        /// The header's column count.
        columns: usize,
        /// The path, shared by every record.
        path: Arc<str>,
    },
    /// JSONL lines.
    Jsonl {
        /// The lines.
        lines: LineReader<BufReader<File>>,
        /// The path, shared by every record.
        path: Arc<str>,
    },
    /// Transcript files.
    Transcripts {
        /// Files not yet read.
        files: std::vec::IntoIter<PathBuf>,
        /// Bytes read so far.
        consumed: u64,
    },
}

/// An input opened for reading, with the shape of its records.
pub struct Opened {
    /// The records.
    pub stream: RecordStream,
    /// How to decode them.
    pub shape: Shape,
    /// Fields no column holds (CSV only).
    pub missing: Vec<&'static str>,
}

/// Opens `input`; an error is a problem with the whole input (unreadable,
/// bad header, no text column).
pub fn open(
    input: &AuditInput,
    names: &Arc<ColumnNames>,
    decoder: &FieldDecoder,
) -> Result<Opened, String> {
    let path: Arc<str> = Arc::from(input.path.as_str());
    let file = || {
        File::open(&input.path)
            .map(|f| BufReader::with_capacity(READ_BUFFER, f))
            .map_err(|e| format!("cannot read: {e}"))
    };
    match &input.kind {
        InputKind::Unreadable(message) => Err(message.clone()),
        InputKind::Transcripts(files) => Ok(Opened {
            stream: RecordStream::Transcripts {
                files: files.clone().into_iter(),
                consumed: 0,
            },
            shape: Shape::Transcript,
            missing: Vec::new(),
        }),
        InputKind::Jsonl => Ok(Opened {
            stream: RecordStream::Jsonl {
                lines: LineReader::new(skip_bom(file()?)?),
                path,
            },
            shape: Shape::Jsonl(Arc::clone(names)),
            missing: Vec::new(),
        }),
        InputKind::Csv { delimiter } => {
            let mut splitter = CsvSplitter::new(skip_bom(file()?)?, *delimiter);
            let header = match splitter.next_record() {
                Err(e) => return Err(format!("cannot read: {e}")),
                Ok(None) => return Err("empty file: no header row".to_string()),
                Ok(Some((_, Split::Malformed(m)))) => return Err(format!("header row: {m}")),
                Ok(Some((_, Split::Record(header)))) => header,
            };
            let header: Vec<String> = (0..header.fields.len())
                .map(|i| decoder.text(Field::Id, header.field(i)).map_err(|(_, m)| m))
                .collect::<Result<_, _>>()
                .map_err(|m| format!("header row: {}", m.replace("field `id`", "a column name")))?;
            let refs: Vec<&str> = header.iter().map(String::as_str).collect();
            let layout = names.resolve(&refs);
            if layout.get(Field::Text).is_none() {
                return Err(format!(
                    "no text column in the header (tried: {}; use --text-col)",
                    names.of(Field::Text).join(", ")
                ));
            }
            Ok(Opened {
                missing: layout.missing(),
                stream: RecordStream::Csv {
                    splitter,
                    columns: header.len(),
                    path,
                },
                shape: Shape::Csv(layout),
            })
        }
    }
}

/// Drops a UTF-8 byte-order mark at the start of `reader`.
fn skip_bom(mut reader: BufReader<File>) -> Result<BufReader<File>, String> {
    use std::io::BufRead;
    let head = reader.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
    if head.starts_with(b"\xef\xbb\xbf") {
        reader.consume(3);
    }
    Ok(reader)
}

impl RecordStream {
    /// Bytes consumed so far.
    pub fn consumed(&self) -> u64 {
        match self {
            RecordStream::Csv { splitter, .. } => splitter.consumed(),
            RecordStream::Jsonl { lines, .. } => lines.consumed(),
            RecordStream::Transcripts { consumed, .. } => *consumed,
        }
    }

    /// The next raw record, `None` at the end. An I/O error ends the input.
    pub fn next_record(&mut self) -> io::Result<Option<RawRecord>> {
        match self {
            RecordStream::Csv {
                splitter,
                columns,
                path,
            } => {
                let Some((row, split)) = splitter.next_record()? else {
                    return Ok(None);
                };
                let body = match split {
                    Split::Record(r) if r.is_blank() => RawBody::Blank,
                    Split::Record(r) if r.fields.len() != *columns => RawBody::Malformed(
                        ErrorKind::WrongColumnCount,
                        format!(
                            "wrong column count: expected {columns} fields, found {}",
                            r.fields.len()
                        ),
                    ),
                    Split::Record(r) => RawBody::Csv(r),
                    Split::Malformed(m) if m.starts_with("record longer") => {
                        RawBody::Malformed(ErrorKind::TooLong, m)
                    }
                    Split::Malformed(m) => RawBody::Malformed(ErrorKind::BadQuoting, m),
                };
                Ok(Some(RawRecord {
                    path: Arc::clone(path),
                    row,
                    body,
                }))
            }
            RecordStream::Jsonl { lines, path } => {
                let Some((row, line)) = lines.next_line()? else {
                    return Ok(None);
                };
                let body = match line {
                    Line::TooLong => RawBody::Malformed(
                        ErrorKind::TooLong,
                        format!("line longer than {} MiB", MAX_RECORD_BYTES >> 20),
                    ),
                    Line::Bytes(b) if b.iter().all(u8::is_ascii_whitespace) => RawBody::Blank,
                    Line::Bytes(b) => RawBody::Json(b),
                };
                Ok(Some(RawRecord {
                    path: Arc::clone(path),
                    row,
                    body,
                }))
            }
            RecordStream::Transcripts { files, consumed } => {
                let Some(file) = files.next() else {
                    return Ok(None);
                };
                let path: Arc<str> = Arc::from(file.display().to_string());
                let body = match std::fs::read(&file) {
                    Ok(bytes) if bytes.len() > MAX_RECORD_BYTES => {
                        *consumed += bytes.len() as u64;
                        RawBody::Malformed(
                            ErrorKind::TooLong,
                            format!("transcript longer than {} MiB", MAX_RECORD_BYTES >> 20),
                        )
                    }
                    Ok(bytes) => {
                        *consumed += bytes.len() as u64;
                        if bytes.iter().all(u8::is_ascii_whitespace) {
                            RawBody::Blank
                        } else {
                            RawBody::Transcript(bytes)
                        }
                    }
                    Err(e) => {
                        RawBody::Malformed(ErrorKind::Unreadable, format!("cannot read: {e}"))
                    }
                };
                Ok(Some(RawRecord { path, row: 1, body }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::columns::FIELD_COUNT;

    /// A row of three columns: id, text, and an unmapped one.
    fn row(columns: [&[u8]; 3]) -> CsvRecord {
        let mut record = CsvRecord::default();
        for column in columns {
            let start = record.bytes.len();
            record.bytes.extend_from_slice(column);
            record.fields.push(start..record.bytes.len());
        }
        record
    }

    fn layout() -> Layout {
        let mut columns = [None; FIELD_COUNT];
        columns[Field::Id.index()] = Some(0);
        columns[Field::Text.index()] = Some(1);
        Layout { columns }
    }

    const UTF8: FieldDecoder = FieldDecoder {
        encoding: None,
        utc_offset: None,
    };

    #[test]
    fn a_utf8_row_becomes_the_record() {
        let record = csv_record(&layout(), row([b"R1", "还款".as_bytes(), b"x"]), &UTF8).unwrap();
        assert_eq!(record.get(Field::Id), "R1");
        assert_eq!(record.get(Field::Text), "还款");
        assert_eq!(record.get(Field::Agent), "");
    }

    #[test]
    fn a_bad_byte_counts_only_in_a_mapped_column() {
        let unmapped = csv_record(&layout(), row([b"R1", "还款".as_bytes(), b"\xff"]), &UTF8);
        assert_eq!(unmapped.unwrap().get(Field::Text), "还款");
        let (kind, message) =
            csv_record(&layout(), row([b"R1", b"\xff", b"x"]), &UTF8).unwrap_err();
        assert_eq!(kind, ErrorKind::Undecodable);
        assert!(message.contains("`text`"), "{message}");
    }

    #[test]
    fn other_encodings_are_decoded_field_by_field() {
        let gb18030 = FieldDecoder {
            encoding: Some(encoding_rs::GB18030),
            utc_offset: None,
        };
        let (text, _, _) = encoding_rs::GB18030.encode("还款");
        let record = csv_record(&layout(), row([b"R1", &text, b"x"]), &gb18030).unwrap();
        assert_eq!(record.get(Field::Text), "还款");
    }
}
