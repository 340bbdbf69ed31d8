//! Making one image's versions: decode, apply the EXIF orientation, resize to each width,
//! encode each format. The encoders write pixels only, so no metadata (EXIF, GPS, camera)
//! reaches the published files.
//!
//! One call holds one decoded image: run in parallel, a build holds one per worker.
//! Not for: deciding where versions go or whether they are needed (see `images`).

use std::io::Cursor;

use anyhow::{Context as _, Result, bail};
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};

use crate::config::ImagesConfig;

/// One encoded version of an image.
pub(crate) struct Encoded {
    pub(crate) width: u32,
    /// `webp` or `jpeg`.
    pub(crate) format: &'static str,
    pub(crate) bytes: Vec<u8>,
}

/// What making an image's versions produced.
pub(crate) struct Made {
    /// The widths made, ascending.
    pub(crate) widths: Vec<u32>,
    /// The largest version's size.
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) versions: Vec<Encoded>,
}

/// Decodes `bytes` (JPEG, PNG or WebP), turns it upright and makes every version.
pub(crate) fn make(bytes: &[u8], config: &ImagesConfig) -> Result<Made> {
    let upright = decode_upright(bytes)?;
    let (width, height) = (upright.width(), upright.height());
    if width == 0 || height == 0 {
        bail!("the image is empty (0 pixels wide or high)");
    }
    let widths = widths_for(width, &config.widths);
    let mut versions = Vec::with_capacity(widths.len() * config.formats.len());
    let mut resizer = Resizer::new();
    for &w in &widths {
        let resized = resize(&mut resizer, &upright, w)?;
        for format in &config.formats {
            versions.push(encode(&resized, format, config.quality)?);
        }
    }
    let largest = widths.last().copied().unwrap_or(width);
    Ok(Made { width: largest, height: scaled_height(width, height, largest), widths, versions })
}

/// Decodes with the decoder's memory limits and applies the EXIF orientation tag, as RGB.
fn decode_upright(bytes: &[u8]) -> Result<RgbImage> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .context("cannot tell the image format")?;
    let mut decoder =
        reader.into_decoder().context("not an image this build reads (JPEG, PNG or WebP)")?;
    let orientation = decoder.orientation().context("unreadable EXIF orientation")?;
    let mut image = DynamicImage::from_decoder(decoder).context("the image data is damaged")?;
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

/// The configured widths narrower than the original, and the original's own width when it is
/// narrower than the widest configured: never an upscaled version.
pub(crate) fn widths_for(original: u32, configured: &[u32]) -> Vec<u32> {
    let mut widths: Vec<u32> = configured.iter().copied().filter(|&w| w < original).collect();
    if configured.iter().any(|&w| w >= original) {
        widths.push(original);
    }
    widths.sort_unstable();
    widths.dedup();
    widths
}

fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    let h = (u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

fn resize(resizer: &mut Resizer, image: &RgbImage, width: u32) -> Result<RgbImage> {
    if width == image.width() {
        return Ok(image.clone());
    }
    let height = scaled_height(image.width(), image.height(), width);
    let mut out = RgbImage::new(width, height);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    resizer.resize(image, &mut out, &options).context("resizing failed")?;
    Ok(out)
}

fn encode(image: &RgbImage, format: &str, quality: u8) -> Result<Encoded> {
    let (width, height) = image.dimensions();
    let (format, bytes) = match format {
        "webp" => {
            let encoded = webp::Encoder::from_rgb(image.as_raw(), width, height);
            ("webp", encoded.encode(f32::from(quality)).to_vec())
        }
        _ => {
            let mut bytes = Vec::new();
            JpegEncoder::new_with_quality(&mut bytes, quality)
                .encode_image(image)
                .context("JPEG encoding failed")?;
            ("jpeg", bytes)
        }
    };
    Ok(Encoded { width, format, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 90, 160]));
        let mut bytes = Vec::new();
        JpegEncoder::new_with_quality(&mut bytes, 90).encode_image(&image).unwrap();
        bytes
    }

    #[test]
    fn never_upscales() {
        assert_eq!(widths_for(2000, &[480, 960, 1600]), [480, 960, 1600]);
        assert_eq!(widths_for(1000, &[480, 960, 1600]), [480, 960, 1000]);
        assert_eq!(widths_for(300, &[480, 960]), [300]);
        assert_eq!(widths_for(960, &[480, 960]), [480, 960]);
    }

    #[test]
    fn makes_every_width_in_every_format() {
        let config = ImagesConfig { widths: vec![100, 200], ..ImagesConfig::default() };
        let made = make(&jpeg(300, 150), &config).unwrap();
        assert_eq!((made.widths.clone(), made.width, made.height), (vec![100, 200], 200, 100));
        let kinds: Vec<(u32, &str)> = made.versions.iter().map(|v| (v.width, v.format)).collect();
        assert_eq!(kinds, [(100, "webp"), (100, "jpeg"), (200, "webp"), (200, "jpeg")]);
        assert!(made.versions[0].bytes.starts_with(b"RIFF"));
        assert!(made.versions[1].bytes.starts_with(&[0xFF, 0xD8]));
    }

    #[test]
    fn damaged_data_is_an_error_not_a_panic() {
        for bytes in [&b""[..], b"not an image", &jpeg(10, 10)[..40]] {
            assert!(make(bytes, &ImagesConfig::default()).is_err());
        }
    }
}

#[cfg(test)]
mod bench {
    use std::time::Instant;

    use image::imageops::{FilterType as ImageFilter, resize as image_resize};

    use super::*;

    /// A 1600×1000 picture with gradients and noise, so encoders cannot cheat on flat areas.
    fn picture() -> RgbImage {
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        RgbImage::from_fn(1600, 1000, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed % 48) as u8;
            image::Rgb([(x / 7) as u8 ^ noise, (y / 4) as u8 + noise, ((x + y) / 11) as u8])
        })
    }

    fn time<T>(what: &str, runs: u32, mut f: impl FnMut() -> T) -> T {
        let start = Instant::now();
        let mut out = None;
        for _ in 0..runs {
            out = Some(f());
        }
        eprintln!("{what}: {:.1} ms", start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs));
        out.expect("runs > 0")
    }

    /// `cargo test --release --lib images::process::bench -- --ignored --nocapture`
    #[test]
    #[ignore = "a timing probe, run by hand"]
    fn compare_resizers_and_encoders() {
        let source = picture();
        let _ = time("image::imageops::resize Lanczos3 1600→960", 5, || {
            image_resize(&source, 960, 600, ImageFilter::Lanczos3)
        });
        let _ = time("image::imageops::resize Triangle 1600→960", 5, || {
            image_resize(&source, 960, 600, ImageFilter::Triangle)
        });
        let mut resizer = Resizer::new();
        let small = time("fast_image_resize Lanczos3 1600→960", 5, || {
            resize(&mut resizer, &source, 960).unwrap()
        });
        for quality in [75u8, 80] {
            let webp = time(&format!("webp (libwebp) lossy q{quality} 960"), 5, || {
                encode(&small, "webp", quality).unwrap().bytes.len()
            });
            let jpeg = time(&format!("image JPEG q{quality} 960"), 5, || {
                encode(&small, "jpeg", quality).unwrap().bytes.len()
            });
            eprintln!("  bytes: webp {webp}, jpeg {jpeg}");
        }
        let lossless = time("image WebP lossless 960 (image's only WebP encoder)", 2, || {
            let mut bytes = Vec::new();
            image::codecs::webp::WebPEncoder::new_lossless(&mut bytes)
                .encode(small.as_raw(), 960, 600, image::ExtendedColorType::Rgb8)
                .unwrap();
            bytes.len()
        });
        eprintln!("  bytes: webp lossless {lossless}");
        let config = ImagesConfig::default();
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&source).unwrap();
        let made = time("whole make(): decode + 3 widths × webp+jpeg", 3, || {
            make(&jpeg, &config).unwrap()
        });
        let total: usize = made.versions.iter().map(|v| v.bytes.len()).sum();
        eprintln!("  original jpeg q90 {} bytes; all versions {total} bytes", jpeg.len());
    }
}
