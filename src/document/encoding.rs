//! Encoding detection and decoding: BOMs, UTF-8, UTF-16 without BOM, then chardetng.

use std::io::Read;

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};

/// How many leading bytes are inspected to tell binary data from text.
pub const SNIFF_BYTES: usize = 64 * 1024;
/// Bytes decoded per step when streaming a big file.
const STREAM_CHUNK_BYTES: usize = 256 * 1024;
/// How many bytes chardetng is fed: plenty for a confident guess, cheap on 10 MB files.
const DETECT_BYTES: usize = 64 * 1024;

/// Text decoded from bytes, with the name of the encoding that was used.
#[derive(Debug)]
pub struct Decoded {
    /// The decoded text (line ends not yet normalised).
    pub text: String,
    /// Display name of the encoding: `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `GB18030`, `Big5`, …
    pub encoding: &'static str,
}

/// Why bytes could not be decoded as text.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The bytes look like binary data (an image, an archive, a program …).
    #[error("this file holds binary data, not text; open a .txt, .md or .docx document instead")]
    Binary,
    /// The file could not be read.
    #[error("cannot read the file ({0}); check that it is readable")]
    Io(#[from] std::io::Error),
    /// Decoding produced mostly replacement characters.
    #[error(
        "this file is not text in any encoding Pizhu knows (UTF-8, UTF-16, GB18030/GBK, Big5); convert it to UTF-8 and try again"
    )]
    Undecodable,
}

/// Detect the encoding of `bytes` and decode them.
pub fn decode_text(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
        let name = match enc.name() {
            "UTF-8" => "UTF-8 (BOM)",
            "UTF-16LE" => "UTF-16LE",
            _ => "UTF-16BE",
        };
        let body = &bytes[bom_len..];
        let text = if enc == encoding_rs::UTF_8 {
            String::from_utf8_lossy(body).into_owned()
        } else {
            enc.decode_without_bom_handling(body).0.into_owned()
        };
        return Ok(Decoded {
            text,
            encoding: name,
        });
    }
    if let Some(enc) = sniff_utf16_without_bom(&bytes) {
        let text = enc.decode_without_bom_handling(&bytes).0.into_owned();
        return Ok(Decoded {
            text,
            encoding: enc.name(),
        });
    }
    if looks_binary(&bytes) {
        return Err(DecodeError::Binary);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => {
            return Ok(Decoded {
                text,
                encoding: "UTF-8",
            });
        }
        Err(e) => e.into_bytes(),
    };
    let legacy = detect_legacy(&bytes, true)?;
    let mut stream = LegacyStream::new(legacy, bytes.len());
    stream.feed(&bytes, true);
    stream.finish()
}

/// Like [`decode_text`], for a file read in pieces: `head` holds its first bytes (at least
/// [`SNIFF_BYTES`] unless the file is shorter), `rest` yields the remainder, `total_len`
/// is the file size. Text in a legacy encoding (GB18030, Big5, …) is decoded as it is
/// read, so the raw bytes and the text are never both held in memory.
pub fn decode_stream(
    mut head: Vec<u8>,
    mut rest: impl Read,
    total_len: u64,
) -> Result<Decoded, DecodeError> {
    let whole_in_head = (head.len() as u64) >= total_len;
    let legacy_candidate = !whole_in_head
        && Encoding::for_bom(&head).is_none()
        && sniff_utf16_without_bom(&head).is_none()
        && !looks_binary(&head)
        && std::str::from_utf8(&head).is_err_and(|e| e.error_len().is_some());
    if !legacy_candidate {
        rest.read_to_end(&mut head)?;
        return decode_text(head);
    }
    let legacy = detect_legacy(&head, false)?;
    let mut stream = LegacyStream::new(legacy, usize::try_from(total_len).unwrap_or(usize::MAX));
    stream.feed(&head, false);
    drop(head);
    let mut buf = vec![0u8; STREAM_CHUNK_BYTES];
    loop {
        let n = match rest.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        stream.feed(&buf[..n], false);
    }
    stream.feed(&[], true);
    stream.finish()
}

/// The legacy encoding chardetng picks for `bytes`, with the name to report.
/// `whole` says whether `bytes` is the entire file: a multi-byte character cut at the end
/// of a sample is not an error.
fn detect_legacy(
    bytes: &[u8],
    whole: bool,
) -> Result<(&'static Encoding, &'static str), DecodeError> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    detector.feed(sample, whole && sample.len() == bytes.len());
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    let multi_byte = matches!(
        guess.name(),
        "GBK" | "gb18030" | "Big5" | "Shift_JIS" | "EUC-JP" | "EUC-KR"
    );
    if !multi_byte {
        let high = sample.iter().filter(|&&b| b >= 0x80).count();
        let ascii_text = sample
            .iter()
            .filter(|&&b| (0x20..0x7F).contains(&b))
            .count();
        // A few Chinese characters are too little for chardetng, which then guesses a
        // single-byte encoding; mostly-high bytes that are valid GB18030 are Chinese here.
        let valid_gb = GB18030
            .decode_without_bom_handling_and_without_replacement(sample)
            .is_some();
        if high * 2 >= sample.len() && valid_gb {
            return Ok((GB18030, "GB18030"));
        }
        // Text in any single-byte encoding has spaces, digits or punctuation; noise has none.
        if ascii_text * 20 < sample.len() {
            return Err(DecodeError::Undecodable);
        }
    }
    // GBK files are GB18030 files: decode (and name) the whole family as its superset.
    Ok(if guess.name() == "GBK" || guess == GB18030 {
        (GB18030, "GB18030")
    } else {
        (guess, guess.name())
    })
}

/// Incremental decoding into one pre-sized `String`.
struct LegacyStream {
    decoder: encoding_rs::Decoder,
    text: String,
    name: &'static str,
}

impl LegacyStream {
    fn new((enc, name): (&'static Encoding, &'static str), len_bytes: usize) -> Self {
        // CJK legacy encodings take 2 bytes where UTF-8 takes 3: size the text once.
        let capacity = len_bytes.saturating_add(len_bytes / 2).saturating_add(16);
        Self {
            decoder: enc.new_decoder_without_bom_handling(),
            text: String::with_capacity(capacity),
            name,
        }
    }

    fn feed(&mut self, mut input: &[u8], last: bool) {
        loop {
            // The text was sized for the whole file up front; grow it only if that was short,
            // and then just enough, so a big file's text is never held twice.
            if self.text.capacity() - self.text.len() < 64 {
                self.text.reserve_exact(input.len() + input.len() / 2 + 64);
            }
            let (result, read, _) = self.decoder.decode_to_string(input, &mut self.text, last);
            input = &input[read..];
            if result == encoding_rs::CoderResult::InputEmpty {
                break;
            }
        }
    }

    fn finish(self) -> Result<Decoded, DecodeError> {
        if replacement_ratio(&self.text) > 0.05 {
            return Err(DecodeError::Undecodable);
        }
        Ok(Decoded {
            text: self.text,
            encoding: self.name,
        })
    }
}

/// Control bytes other than tab, line ends and form feed mark binary data.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.is_empty() {
        return false;
    }
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)) || b == 0x7F)
        .count();
    controls * 100 > head.len()
}

/// UTF-16 text without a BOM has NUL bytes in every other position for ASCII and CJK-light
/// text; recognise it when one parity is mostly NUL and the other never is.
fn sniff_utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_nul * 10 > pairs * 3 && even_nul == 0 {
        Some(UTF_16LE)
    } else if even_nul * 10 > pairs * 3 && odd_nul == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn replacement_ratio(text: &str) -> f64 {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(200_000) {
        total += 1;
        if c == '\u{FFFD}' {
            bad += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        bad as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "在全县工作会议上的讲话\n同志们：\n一、坚持把政治建设摆在首位\n（一）加强理论武装。要持续深化学习，推动工作落实。";

    #[test]
    fn utf8_plain_and_bom() {
        let d = decode_text(SAMPLE.as_bytes().to_vec()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode_text(bom).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-8 (BOM)"));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = SAMPLE
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let be: Vec<u8> = SAMPLE
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let with_bom = |bom: [u8; 2], body: &[u8]| [&bom[..], body].concat();
        let d = decode_text(with_bom([0xFF, 0xFE], &le)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-16LE"));
        let d = decode_text(with_bom([0xFE, 0xFF], &be)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-16BE"));
        let ascii = "Speech notes\nline two\n";
        let le: Vec<u8> = ascii.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode_text(le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (ascii, "UTF-16LE"));
    }

    #[test]
    fn gbk_gb18030_and_big5_without_bom() {
        let (gbk, _, _) = GB18030.encode(SAMPLE);
        let d = decode_text(gbk.into_owned()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "GB18030"));

        // U+9FB6 and U+20000 need GB18030's four-byte sequences.
        let rare = format!("{SAMPLE}龶𠀀");
        let (gb, _, _) = GB18030.encode(&rare);
        let d = decode_text(gb.into_owned()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (rare.as_str(), "GB18030"));

        let trad = "在全縣工作會議上的講話\n同志們：\n一、堅持把政治建設擺在首位，加強理論武裝，推動學習貫徹走深走實。";
        let (big5, _, _) = encoding_rs::BIG5.encode(trad);
        let d = decode_text(big5.into_owned()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (trad, "Big5"));
    }

    #[test]
    fn streaming_matches_whole_buffer_decoding() {
        let long = SAMPLE.repeat(2000) + "龶𠀀";
        for enc in [GB18030, encoding_rs::BIG5] {
            let (bytes, _, _) = enc.encode(&long);
            let bytes = bytes.into_owned();
            let whole = decode_text(bytes.clone()).unwrap();
            let head = bytes[..SNIFF_BYTES].to_vec();
            let rest = std::io::Cursor::new(bytes[SNIFF_BYTES..].to_vec());
            let streamed = decode_stream(head, rest, bytes.len() as u64).unwrap();
            assert_eq!(streamed.text, whole.text);
            assert_eq!(streamed.encoding, whole.encoding);
        }
        let utf8 = long.into_bytes();
        let head = utf8[..SNIFF_BYTES].to_vec();
        let rest = std::io::Cursor::new(utf8[SNIFF_BYTES..].to_vec());
        let streamed = decode_stream(head, rest, utf8.len() as u64).unwrap();
        assert_eq!(
            (streamed.text.len(), streamed.encoding),
            (utf8.len(), "UTF-8")
        );
    }

    #[test]
    fn tiny_gbk_and_noise() {
        let (two, _, _) = GB18030.encode("讲话");
        let d = decode_text(two.into_owned()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("讲话", "GB18030"));
        let noise: Vec<u8> = (0..20_000u32)
            .map(|i| 0x80 | (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        assert!(matches!(decode_text(noise), Err(DecodeError::Undecodable)));
        let latin = b"na\xefve r\xe9sum\xe9 caf\xe9".to_vec();
        assert_eq!(decode_text(latin).unwrap().text, "naïve résumé café");
    }

    #[test]
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert!(matches!(decode_text(png), Err(DecodeError::Binary)));
        let controls: Vec<u8> = (0..4096u32).map(|i| (i % 31 + 1) as u8).collect();
        assert!(matches!(decode_text(controls), Err(DecodeError::Binary)));
    }

    #[test]
    fn empty_is_empty_text() {
        let d = decode_text(Vec::new()).unwrap();
        assert_eq!(d.text, "");
    }
}
