//! Inputs and record streams: CSV/TSV, JSON Lines, and folders of transcripts.
//!
//! [`discover`] turns the command line's paths into [`AuditInput`]s in a
//! stable order; [`open`] gives a [`PieceStream`] that yields the input in
//! [`Piece`]s of whole records (see [`blocks`](super::blocks)), never
//! holding more than one piece being filled. On the worker threads,
//! [`Shape::each_record`] finds the records of a piece where they lie and
//! [`Shape::decode`] turns each into a [`Record`] borrowing from it.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;
use serde_json::Value;

use super::blocks::{Block, BlockReader, Cut, Framing};
use super::columns::{ColumnNames, Field, Layout};
use super::config::AuditConfig;
use super::record::{ErrorKind, FieldDecoder, Record};
use super::split::{
    MAX_RECORD_BYTES, Parsed, RawField, UNTERMINATED, line_end, parse_record, too_long,
};
use crate::decode::{Decoded, decode};

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

/// A part of an input handed to the worker threads: whole records.
#[derive(Debug)]
pub enum Piece {
    /// CSV records or JSON lines.
    Block(Block),
    /// A line too long to be a record, skipped.
    TooLong {
        /// Its 1-based line number.
        line: u64,
    },
    /// One transcript file, one record.
    Transcript {
        /// Its path.
        path: Arc<str>,
        /// Its bytes, or why they cannot be checked.
        bytes: Result<Vec<u8>, (ErrorKind, String)>,
    },
}

impl Piece {
    /// The path its records are reported under: a transcript's own, else
    /// `input`, the path of the input it is part of.
    pub fn path<'a>(&'a self, input: &'a str) -> &'a str {
        match self {
            Piece::Transcript { path, .. } => path,
            _ => input,
        }
    }

    /// Bytes held.
    pub fn weight(&self) -> usize {
        match self {
            Piece::Block(block) => block.bytes.len(),
            Piece::Transcript { bytes: Ok(b), .. } => b.len(),
            Piece::TooLong { .. } | Piece::Transcript { .. } => 0,
        }
    }
}

/// One record of a piece, before decoding.
#[derive(Debug)]
pub struct RawRecord<'a> {
    /// The 1-based line of the input it starts on.
    pub row: u64,
    /// Where it lies in its piece (to read it again, see
    /// [`Shape::with_record_at`]).
    pub span: Range<usize>,
    /// Its content.
    pub body: RawBody<'a>,
}

/// The content of a raw record.
#[derive(Debug)]
pub enum RawBody<'a> {
    /// A CSV row with the header's number of fields.
    Csv {
        /// The block the fields are ranges of.
        input: &'a [u8],
        /// The same block as text, if it is valid UTF-8 and no other
        /// encoding is forced.
        utf8: Option<&'a str>,
        /// The fields.
        fields: &'a [RawField],
    },
    /// A JSONL line.
    Json(&'a [u8]),
    /// A whole transcript file.
    Transcript(&'a [u8]),
    /// Nothing to check: an empty line or row, a blank file.
    Blank,
    /// Malformed before decoding (quoting, column count, length).
    Malformed(ErrorKind, String),
}

/// How the records of an input are framed and their fields found.
#[derive(Clone, Debug)]
pub enum Shape {
    /// CSV columns.
    Csv {
        /// Which column holds which field.
        layout: Layout,
        /// The header's column count.
        columns: usize,
        /// The field delimiter.
        delimiter: u8,
    },
    /// JSON object keys.
    Jsonl(Arc<ColumnNames>),
    /// The whole file is the text.
    Transcript,
}

impl Shape {
    /// Calls `each` with every record of `piece`, in order.
    pub fn each_record(
        &self,
        piece: &Piece,
        decoder: &FieldDecoder,
        mut each: impl FnMut(RawRecord<'_>),
    ) {
        match piece {
            Piece::Block(block) => self.each_in(&block.bytes, block.first_line, decoder, each),
            Piece::TooLong { line } => {
                let message = match self {
                    Shape::Csv { .. } => too_long(),
                    _ => format!("line longer than {} MiB", MAX_RECORD_BYTES >> 20),
                };
                each(RawRecord {
                    row: *line,
                    span: 0..0,
                    body: RawBody::Malformed(ErrorKind::TooLong, message),
                });
            }
            Piece::Transcript { bytes, .. } => each(RawRecord {
                row: 1,
                span: 0..bytes.as_ref().map_or(0, Vec::len),
                body: match bytes {
                    Ok(b) if b.iter().all(u8::is_ascii_whitespace) => RawBody::Blank,
                    Ok(b) => RawBody::Transcript(b),
                    Err((kind, message)) => RawBody::Malformed(*kind, message.clone()),
                },
            }),
        }
    }

    /// Calls `with` with the record at `span` of `piece`, read again (it
    /// was read and decoded once already, so it decodes).
    pub fn with_record_at(
        &self,
        piece: &Piece,
        span: Range<usize>,
        decoder: &FieldDecoder,
        config: &AuditConfig,
        with: impl FnOnce(&Record<'_>),
    ) {
        let mut with = Some(with);
        let call = |raw: RawRecord<'_>| {
            if let (Ok(Some(record)), Some(with)) =
                (self.decode(raw.body, decoder, config), with.take())
            {
                with(&record);
            }
        };
        match piece {
            Piece::Block(block) => {
                if let Some(bytes) = block.bytes.get(span) {
                    self.each_in(bytes, 1, decoder, call);
                }
            }
            Piece::Transcript { .. } => self.each_record(piece, decoder, call),
            Piece::TooLong { .. } => {}
        }
    }

    /// Calls `each` with every record of `bytes`, whose first line is line
    /// `first_line` of the input.
    fn each_in(
        &self,
        bytes: &[u8],
        first_line: u64,
        decoder: &FieldDecoder,
        mut each: impl FnMut(RawRecord<'_>),
    ) {
        let (mut at, mut row) = (0, first_line);
        match self {
            Shape::Csv {
                columns, delimiter, ..
            } => {
                // Validated once for the whole block: fields then borrow.
                let utf8 = match decoder.encoding {
                    None => simdutf8::basic::from_utf8(bytes).ok(),
                    Some(_) => None,
                };
                let mut fields = Vec::with_capacity(*columns);
                while at < bytes.len() {
                    let (end, lines, body) =
                        csv_record(bytes, utf8, at, *delimiter, *columns, &mut fields);
                    each(RawRecord {
                        row,
                        span: at..end,
                        body,
                    });
                    (at, row) = (end, row + lines);
                }
            }
            Shape::Jsonl(_) | Shape::Transcript => {
                while at < bytes.len() {
                    let end = line_end(bytes, at, true).unwrap_or(bytes.len());
                    let line = &bytes[at..end];
                    let body = if line.iter().all(u8::is_ascii_whitespace) {
                        RawBody::Blank
                    } else {
                        RawBody::Json(line)
                    };
                    each(RawRecord {
                        row,
                        span: at..end,
                        body,
                    });
                    (at, row) = (end, row + 1);
                }
            }
        }
    }

    /// Decodes and validates a raw body; `Ok(None)` for a blank one.
    pub fn decode<'a>(
        &self,
        body: RawBody<'a>,
        decoder: &FieldDecoder,
        config: &AuditConfig,
    ) -> Result<Option<Record<'a>>, (ErrorKind, String)> {
        let mut record = Record::default();
        match (self, body) {
            (_, RawBody::Blank) => return Ok(None),
            (_, RawBody::Malformed(kind, message)) => return Err((kind, message)),
            (
                Shape::Csv { layout, .. },
                RawBody::Csv {
                    input,
                    utf8,
                    fields,
                },
            ) => {
                for field in Field::ALL {
                    let Some(raw) = layout.get(field).and_then(|column| fields.get(column)) else {
                        continue;
                    };
                    match utf8 {
                        Some(text) => record.set(field, raw.text(text)),
                        None => record.set(field, decoder.text(field, &raw.bytes(input))?),
                    }
                }
            }
            (Shape::Jsonl(names), RawBody::Json(line)) => {
                let object: serde_json::Map<String, Value> =
                    serde_json::from_slice(line).map_err(|e| {
                        let kind = if std::str::from_utf8(line).is_err() {
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
                        Some(Value::String(s)) => record.set(field, s.clone()),
                        Some(other) => record.set(field, other.to_string()),
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
                match decode(bytes, decoder.encoding) {
                    Ok(Decoded::Text { text, .. }) => record.set(Field::Text, text),
                    Ok(Decoded::Binary) => return Ok(None),
                    Err(e) => return Err((ErrorKind::Undecodable, e.to_string())),
                }
            }
            (_, body) => {
                let message = format!("internal: a {self:?} input yields no {body:?}");
                return Err((ErrorKind::Unreadable, message));
            }
        }
        record.time = decoder.time(record.get(Field::Time))?;
        record.connected = config
            .connected(record.get(Field::Connected))
            .map_err(|message| (ErrorKind::BadConnected, message))?;
        Ok(Some(record))
    }
}

/// The CSV record at `input[at]`: where it ends, the lines it spans, and
/// its body.
fn csv_record<'a>(
    input: &'a [u8],
    utf8: Option<&'a str>,
    at: usize,
    delimiter: u8,
    columns: usize,
    fields: &'a mut Vec<RawField>,
) -> (usize, u64, RawBody<'a>) {
    match parse_record(input, at, delimiter, true, fields) {
        Parsed::Record { end, lines } => {
            let body = if fields.iter().all(|f| f.range.is_empty()) {
                RawBody::Blank
            } else if fields.len() != columns {
                RawBody::Malformed(
                    ErrorKind::WrongColumnCount,
                    format!(
                        "wrong column count: expected {columns} fields, found {}",
                        fields.len()
                    ),
                )
            } else {
                RawBody::Csv {
                    input,
                    utf8,
                    fields,
                }
            };
            (end, lines, body)
        }
        Parsed::Bad {
            end,
            lines,
            message,
        } => (
            end,
            lines,
            RawBody::Malformed(ErrorKind::BadQuoting, message.to_string()),
        ),
        Parsed::Unterminated { end } => (
            end,
            1,
            RawBody::Malformed(ErrorKind::BadQuoting, UNTERMINATED.to_string()),
        ),
        // Not in a block the reader cut; answered all the same.
        Parsed::TooLong | Parsed::Incomplete => {
            let end = line_end(input, at, true).unwrap_or(input.len());
            (end, 1, RawBody::Malformed(ErrorKind::TooLong, too_long()))
        }
    }
}

/// The pieces of one input, read in turn by the worker threads.
pub enum PieceStream {
    /// CSV or JSONL, cut into blocks.
    Blocks(BlockReader<File>),
    /// Transcript files.
    Transcripts {
        /// Files not yet read.
        files: std::vec::IntoIter<PathBuf>,
        /// Bytes read so far.
        consumed: u64,
    },
}

impl PieceStream {
    /// Bytes consumed so far.
    pub fn consumed(&self) -> u64 {
        match self {
            PieceStream::Blocks(blocks) => blocks.consumed(),
            PieceStream::Transcripts { consumed, .. } => *consumed,
        }
    }

    /// The next piece, of about `bytes` bytes or `records` records at
    /// most; `None` at the end. An I/O error ends the input.
    pub fn next_piece(&mut self, bytes: usize, records: usize) -> io::Result<Option<Piece>> {
        match self {
            PieceStream::Blocks(blocks) => {
                Ok(blocks.next_cut(bytes, records)?.map(|cut| match cut {
                    Cut::Block(block) => Piece::Block(block),
                    Cut::TooLong { line } => Piece::TooLong { line },
                }))
            }
            PieceStream::Transcripts { files, consumed } => {
                let Some(file) = files.next() else {
                    return Ok(None);
                };
                let path: Arc<str> = Arc::from(file.display().to_string());
                let bytes = match std::fs::read(&file) {
                    Ok(bytes) if bytes.len() > MAX_RECORD_BYTES => {
                        *consumed += bytes.len() as u64;
                        Err((
                            ErrorKind::TooLong,
                            format!("transcript longer than {} MiB", MAX_RECORD_BYTES >> 20),
                        ))
                    }
                    Ok(bytes) => {
                        *consumed += bytes.len() as u64;
                        Ok(bytes)
                    }
                    Err(e) => Err((ErrorKind::Unreadable, format!("cannot read: {e}"))),
                };
                Ok(Some(Piece::Transcript { path, bytes }))
            }
        }
    }
}

/// An input opened for reading, with the shape of its records.
pub struct Opened {
    /// The pieces.
    pub stream: PieceStream,
    /// How to find and decode their records.
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
    let cannot_read = |e: io::Error| format!("cannot read: {e}");
    let blocks = |framing| {
        let file = File::open(&input.path).map_err(cannot_read)?;
        BlockReader::new(file, framing).map_err(cannot_read)
    };
    match &input.kind {
        InputKind::Unreadable(message) => Err(message.clone()),
        InputKind::Transcripts(files) => Ok(Opened {
            stream: PieceStream::Transcripts {
                files: files.clone().into_iter(),
                consumed: 0,
            },
            shape: Shape::Transcript,
            missing: Vec::new(),
        }),
        InputKind::Jsonl => Ok(Opened {
            stream: PieceStream::Blocks(blocks(Framing::Lines)?),
            shape: Shape::Jsonl(Arc::clone(names)),
            missing: Vec::new(),
        }),
        InputKind::Csv { delimiter } => {
            let mut blocks = blocks(Framing::Csv(*delimiter))?;
            let header = match blocks.next_cut(1, 1).map_err(cannot_read)? {
                None => return Err("empty file: no header row".to_string()),
                Some(Cut::TooLong { .. }) => return Err(format!("header row: {}", too_long())),
                Some(Cut::Block(header)) => header.bytes,
            };
            let mut fields = Vec::new();
            match parse_record(&header, 0, *delimiter, true, &mut fields) {
                Parsed::Record { .. } => {}
                Parsed::Bad { message, .. } => return Err(format!("header row: {message}")),
                Parsed::Unterminated { .. } => return Err(format!("header row: {UNTERMINATED}")),
                Parsed::TooLong | Parsed::Incomplete => {
                    return Err(format!("header row: {}", too_long()));
                }
            }
            let header: Vec<String> = fields
                .iter()
                .map(|f| {
                    decoder
                        .text(Field::Id, &f.bytes(&header))
                        .map_err(|(_, m)| m)
                })
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
                stream: PieceStream::Blocks(blocks),
                shape: Shape::Csv {
                    layout,
                    columns: header.len(),
                    delimiter: *delimiter,
                },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::columns::FIELD_COUNT;

    /// A CSV shape of three columns: id, text, and an unmapped one.
    fn shape() -> Shape {
        let mut columns = [None; FIELD_COUNT];
        columns[Field::Id.index()] = Some(0);
        columns[Field::Text.index()] = Some(1);
        Shape::Csv {
            layout: Layout { columns },
            columns: 3,
            delimiter: b',',
        }
    }

    const UTF8: FieldDecoder = FieldDecoder {
        encoding: None,
        utc_offset: None,
    };

    /// The id and text of each record of `bytes`, or its error.
    fn decode_all(
        bytes: &[u8],
        decoder: &FieldDecoder,
    ) -> Vec<Result<(String, String), ErrorKind>> {
        let shape = shape();
        let config = AuditConfig::builtin();
        let piece = Piece::Block(Block {
            bytes: bytes.to_vec(),
            first_line: 1,
        });
        let mut out = Vec::new();
        shape.each_record(&piece, decoder, |raw| {
            out.push(match shape.decode(raw.body, decoder, &config) {
                Ok(Some(r)) => Ok((r.get(Field::Id).to_string(), r.get(Field::Text).to_string())),
                Ok(None) => Ok(Default::default()),
                Err((kind, _)) => Err(kind),
            });
        });
        out
    }

    #[test]
    fn utf8_fields_borrow_and_escaped_quotes_are_unescaped() {
        let rows = decode_all("R1,还款,x\nR2,\"说\"\"好\"\"\",y\n".as_bytes(), &UTF8);
        assert_eq!(
            rows,
            vec![
                Ok(("R1".to_string(), "还款".to_string())),
                Ok(("R2".to_string(), "说\"好\"".to_string())),
            ]
        );
    }

    #[test]
    fn a_bad_byte_counts_only_in_a_mapped_column() {
        let rows = decode_all(b"R1,ok,\xff\nR2,\xff,x\n", &UTF8);
        assert_eq!(rows[0], Ok(("R1".to_string(), "ok".to_string())));
        assert_eq!(rows[1], Err(ErrorKind::Undecodable));
    }

    #[test]
    fn other_encodings_are_decoded_field_by_field() {
        let gb18030 = FieldDecoder {
            encoding: Some(encoding_rs::GB18030),
            utc_offset: None,
        };
        let (text, _, _) = encoding_rs::GB18030.encode("R1,还款,x\n");
        assert_eq!(
            decode_all(&text, &gb18030),
            vec![Ok(("R1".to_string(), "还款".to_string()))]
        );
    }

    #[test]
    fn a_record_read_again_is_the_record_read_first() {
        let shape = shape();
        let config = AuditConfig::builtin();
        let bytes = "R1,一,x\nR2,\"二\n行\",y\nR3,三,z\n".as_bytes().to_vec();
        let piece = Piece::Block(Block {
            bytes,
            first_line: 1,
        });
        let mut spans = Vec::new();
        shape.each_record(&piece, &UTF8, |raw| spans.push(raw.span));
        assert_eq!(spans.len(), 3);
        let mut texts = Vec::new();
        for span in spans {
            shape.with_record_at(&piece, span, &UTF8, &config, |record| {
                texts.push(record.get(Field::Text).to_string());
            });
        }
        assert_eq!(texts, ["一", "二\n行", "三"]);
    }
}
