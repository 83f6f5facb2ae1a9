import { synthesizePcm, type SynthesisOptions } from "./audio.js";

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, "latin1");
  return Buffer.concat([header, body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, head, ...payload);
}

const u32 = (...values: number[]) => {
  const out = Buffer.alloc(values.length * 4);
  for (const [index, value] of values.entries()) out.writeUInt32BE(value >>> 0, index * 4);
  return out;
};
const u16 = (...values: number[]) => {
  const out = Buffer.alloc(values.length * 2);
  for (const [index, value] of values.entries()) out.writeUInt16BE(value & 0xffff, index * 2);
  return out;
};
const UNITY_MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

/**
 * An M4A (MPEG-4 audio) file holding uncompressed 16-bit PCM (`sowt` sample entry): a real MP4 container that
 * players and parsers read, without needing an AAC encoder.
 */
export function synthesizeM4a(options: SynthesisOptions): Buffer {
  const { samples, sampleRate, channels } = synthesizePcm(options);
  const frames = samples.length / channels;
  const pcm = Buffer.from(samples.buffer, samples.byteOffset, samples.length * 2); // little-endian, as `sowt` wants

  const ftyp = box("ftyp", Buffer.from("M4A "), u32(0), Buffer.from("M4A mp42isom"));
  const build = (mdatOffset: number) => {
    const mvhd = fullBox(
      "mvhd",
      0,
      0,
      u32(0, 0, sampleRate, frames, 0x00010000),
      u16(0x0100, 0),
      u32(0, 0),
      UNITY_MATRIX,
      Buffer.alloc(24),
      u32(2),
    );
    const tkhd = fullBox("tkhd", 0, 3, u32(0, 0, 1, 0, frames, 0, 0), u16(0, 0, 0x0100, 0), UNITY_MATRIX, u32(0, 0));
    const mdhd = fullBox("mdhd", 0, 0, u32(0, 0, sampleRate, frames), u16(0x55c4, 0));
    const hdlr = fullBox("hdlr", 0, 0, u32(0), Buffer.from("soun"), u32(0, 0, 0), Buffer.from("SoundHandler\0"));
    const sampleEntry = box(
      "sowt",
      Buffer.alloc(6),
      u16(1), // data_reference_index
      u16(0, 0), // version, revision
      u32(0), // vendor
      u16(channels, 16, 0, 0), // channels, sample size, compression id, packet size
      u32(sampleRate * 65_536),
    );
    const stbl = box(
      "stbl",
      fullBox("stsd", 0, 0, u32(1), sampleEntry),
      fullBox("stts", 0, 0, u32(1, frames, 1)),
      fullBox("stsc", 0, 0, u32(1, 1, frames, 1)),
      fullBox("stsz", 0, 0, u32(channels * 2, frames)),
      fullBox("stco", 0, 0, u32(1, mdatOffset)),
    );
    const minf = box(
      "minf",
      fullBox("smhd", 0, 0, u16(0, 0)),
      box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1))),
      stbl,
    );
    return box("moov", mvhd, box("trak", tkhd, box("mdia", mdhd, hdlr, minf)));
  };
  // The chunk offset points into mdat, which follows moov: size moov once, then build it with the real offset.
  const moovSize = build(0).length;
  const moov = build(ftyp.length + moovSize + 8);
  return Buffer.concat([ftyp, moov, box("mdat", pcm)]);
}
