#!/bin/sh
# formats-wav.sh -- `load wav' (stdlib/wav.bpk) on WAVE files made at
# test time by python3's wave module (8, 16 and 24 bits, mono and
# stereo) and by hand (an INFO list, an odd-sized data chunk and a
# chunk after it; WAVE_FORMAT_EXTENSIBLE), checked against:
#   - channels, sample width, rate, frames, samples  (python3 wave)
#   - the chunks and their sizes, the INFO entries   (python3 chunk.Chunk)
#   - the format line                                 (file)
# An edit the tools must then accept: wav_set_sample_rate (python's wave
# and file read the new rate; the byte rate follows).  Then damaged
# files: a clear exception each, never a crash or a hang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-lib.sh"
need_tools python3 file

cd "$work" || exit 99
python3 - <<'EOF' || { echo "python3 failed"; exit 99; }
import math, struct, wave

def tone(name, channels, width, rate, frames):
    with wave.open(name, 'wb') as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(bytes((i * 7 + i // 3) % 256
                            for i in range(frames * channels * width)))

tone('s16.wav', 2, 2, 44100, 1000)
tone('u8.wav', 1, 1, 8000, 333)
tone('s24.wav', 1, 3, 48000, 100)

def chunk(i, d):
    return i + struct.pack('<I', len(d)) + d + (b'\x00' if len(d) % 2 else b'')

def riff(name, chunks):
    body = b'WAVE' + b''.join(chunks)
    open(name, 'wb').write(b'RIFF' + struct.pack('<I', len(body)) + body)

info = b'INFO' + chunk(b'INAM', b'A title\x00') + chunk(b'IART', b'Someone\x00')
riff('info.wav', [chunk(b'fmt ', struct.pack('<HHIIHH', 1, 1, 11025, 11025, 1, 8)),
                  chunk(b'LIST', info), chunk(b'data', bytes(range(101))),
                  chunk(b'note', b'after the data')])
# WAVEFORMATEXTENSIBLE: 16-bit PCM in 2 channels, front left and right.
guid_pcm = struct.pack('<IHH', 1, 0, 0x10) + bytes([0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71])
ext = struct.pack('<HHIIHHHHI', 0xfffe, 2, 32000, 128000, 4, 16, 22, 16, 3) + guid_pcm
riff('ext.wav', [chunk(b'fmt ', ext), chunk(b'data', bytes(400))])
EOF

# Lines as the python side prints them.
cat > walk.bpk <<'EOF'
load wav;
set_ios (open ("@FILE@", IOS_F_READ));
var f = WAV_File @ 0#B;
printf ("params %u16d %u16d %u32d %u64d\n", f.fmt.channels,
        (f.fmt.bits_per_sample + 7) / 8, f.fmt.sample_rate, f.frames);
printf ("format %u16d byte_rate %u32d block_align %u16d\n",
        f.fmt.audio_format.code, f.fmt.byte_rate, f.fmt.block_align);
for (c in f.chunks)
  printf ("chunk %s %u32d\n", c.id.name, c.size / 1#B);
for (e in f.info)
  printf ("info %s %s\n", e.id.name, e.value);
if (f.fmt.audio_format.code == WAVE_FORMAT_EXTENSIBLE)
  printf ("extensible %u16d %u32x %u16d\n", f.fmt_extensible.valid_bits_per_sample,
          f.fmt_extensible.channel_mask, f.fmt_extensible.sub_format[0]);
var s = f.samples;
save :file "@FILE@.samples" :from s'offset :size s'size;
EOF

expected ()
{
  python3 -W ignore::DeprecationWarning - "$1" <<'EOF'
import struct, sys, wave
try:
    from chunk import Chunk
except ImportError:         # Python 3.13 dropped chunk; wave kept a copy.
    from wave import _Chunk as Chunk
path = sys.argv[1]
with open(path, 'rb') as f:
    f.read(12)
    chunks = []
    while True:
        try:
            c = Chunk(f, bigendian=False)
        except EOFError:
            break
        chunks.append((c.getname().decode(), c.getsize(), c.read()))
        c.skip()
fmt = [d for n, s, d in chunks if n == 'fmt '][0]
tag, nch, rate, byte_rate, align, bits = struct.unpack('<HHIIHH', fmt[:16])
samples = [d for n, s, d in chunks if n == 'data'][0]
if tag == 1:
    with wave.open(path) as w:
        p = w.getparams()
        print('params %d %d %d %d' % (p.nchannels, p.sampwidth, p.framerate, p.nframes))
        assert w.readframes(p.nframes) == samples
else:
    print('params %d %d %d %d' % (nch, (bits + 7) // 8, rate, len(samples) // align))
print('format %d byte_rate %d block_align %d' % (tag, byte_rate, align))
for n, s, d in chunks:
    print('chunk %s %d' % (n, s))
for n, s, d in chunks:
    if n == 'LIST' and d[:4] == b'INFO':
        import io
        b = io.BytesIO(d[4:])
        while True:
            try:
                e = Chunk(b, bigendian=False)
            except EOFError:
                break
            print('info %s %s' % (e.getname().decode(), e.read().rstrip(b'\0').decode()))
            e.skip()
if tag == 0xfffe:
    valid, mask = struct.unpack('<HI', fmt[18:24])
    print('extensible %d %08x %d' % (valid, mask, fmt[24]))
open(path + '.expected', 'wb').write(samples)
EOF
}

for f in s16.wav u8.wav s24.wav info.wav ext.wav; do
  script_for "$f" walk.bpk
  run_bpoke run.bpk
  if [ $rc -ne 0 ]; then ko "$f: bpoke exited with $rc: $(tail -n 3 out)"; continue; fi
  expected "$f" > exp
  same "$f: parameters, format, chunks, INFO list" out exp
  if cmp -s "$f.samples" "$f.expected"; then ok "$f: the samples are python's"
  else ko "$f: the samples differ from python's"; fi
done
# file(1) reads the same format.
for f in s16.wav u8.wav; do
  script_for "$f" walk.bpk
  run_bpoke run.bpk
  set -- $(sed -n 's/^params //p' out)
  ch=$([ "$1" = 2 ] && echo stereo || echo mono)
  case $(file -b "$f") in
    *"Microsoft PCM, $(($2 * 8)) bit, $ch $3 Hz"*) ok "$f: file reads the same format" ;;
    *) ko "$f: file says $(file -b "$f"), bpoke $1 $2 $3" ;;
  esac
done

# A new sample rate.
cp s16.wav slow.wav
cat > rate.bpk <<'EOF'
load wav;
set_ios (open ("slow.wav"));
var f = WAV_File @ 0#B;
wav_set_sample_rate (f, 22050);
printf ("%u32d %u32d\n", f.fmt.sample_rate, f.fmt.byte_rate);
EOF
run_bpoke rate.bpk
if [ $rc -eq 0 ] && [ "$(cat out)" = "22050 88200" ] \
   && [ "$(python3 -c 'import wave; w = wave.open("slow.wav"); print(w.getframerate(), w.getnframes())')" = "22050 1000" ] \
   && file -b slow.wav | grep -q 'stereo 22050 Hz'
then ok "wav_set_sample_rate: python's wave and file read 22050 Hz"
else ko "wav_set_sample_rate: status $rc $(cat out); file: $(file -b slow.wav)"; fi
# The field itself, assigned: GNU poke can assign f.fmt.sample_rate too.
cat > rate2.bpk <<'EOF'
load wav;
set_ios (open ("slow.wav"));
var f = WAV_File @ 0#B;
f.fmt.sample_rate = 11025;
EOF
run_bpoke rate2.bpk
if [ $rc -eq 0 ] \
   && [ "$(python3 -c 'import wave; print(wave.open("slow.wav").getframerate())')" = 11025 ]
then ok "f.fmt.sample_rate = 11025: python's wave reads it"
else ko "f.fmt.sample_rate = 11025: status $rc $(cat out)"; fi

# Damaged files.
cv='unhandled constraint violation exception'
cat > map.bpk <<'EOF'
load wav;
set_ios (open ("@FILE@", IOS_F_READ));
var f = WAV_File @ 0#B;
EOF
printf 'not a wave file at all\n' > text.txt
expect_error "a text file" text.txt map.bpk 1 "$cv" \
  "in field WAV_File.riff_id"
python3 -c '
d = bytearray(open("u8.wav", "rb").read()); d[8:12] = b"AVI "
open("avi.wav", "wb").write(d)'
expect_error "a RIFF form that is not WAVE" avi.wav map.bpk 1 "$cv" \
  "in field WAV_File.wave_id"
python3 -c '
d = bytearray(open("u8.wav", "rb").read()); d[12:16] = b"fmtx"
open("nofmt.wav", "wb").write(d)'
expect_error "no fmt chunk" nofmt.wav map.bpk 1 \
  'unhandled invalid argument exception' 'riff: no "fmt " chunk'
head -c 100 u8.wav > cut.wav
expect_error "the data cut" cut.wav map.bpk 1 'unhandled EOF exception' \
  'while mapping field WAV_File.chunks'
# The frames in a data chunk of 2^29 bytes and more, by wav_frames,
# which WAV_File.frames calls (a WAVE file that big takes too long to
# map here): divided as offsets, in bits, the size would wrap in its
# uint<32>.
cat > frames.bpk <<'EOF'
load wav;
printf "%u64d %u64d %u64d\n", wav_frames (0xfffffffcU#B, 4),
       wav_frames (0xfffffffcU#B, 24), wav_frames (0x20000000U#B, 1);
EOF
run_bpoke frames.bpk
if [ "$rc" -eq 0 ] && [ "$(cat "$work/out")" = "1073741823 178956970 536870912" ]
then ok "frames in 2^29 bytes and more"
else ko "frames in 2^29 bytes and more: status $rc: $(cat "$work/out")"; fi
robustness info.wav info.wav walk.bpk
robustness ext.wav ext.wav walk.bpk

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
