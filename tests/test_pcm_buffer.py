import threading

from agent_desk.telephony.pcm_buffer import HeadsetStream, PcmBuffer


def test_reads_what_was_written_then_silence() -> None:
    buffer = PcmBuffer(clock_rate=8000)
    buffer.write(b"\x01\x02\x03\x04")
    assert buffer.read(8) == b"\x01\x02\x03\x04\0\0\0\0"
    assert buffer.underrun_bytes == 4


def test_delay_is_capped_by_dropping_the_oldest_audio() -> None:
    buffer = PcmBuffer(clock_rate=8000, max_ms=10)  # 160 bytes
    buffer.write(bytes(range(100)))
    buffer.write(bytes(range(100, 200)))
    assert len(buffer) == 160
    assert buffer.read(2) == bytes([40, 41])  # the first 40 bytes went
    assert buffer.dropped_bytes == 40


def test_read_available_keeps_whole_samples() -> None:
    buffer = PcmBuffer(clock_rate=8000)
    buffer.write(b"abcde")
    assert buffer.read_available(100) == b"abcd"
    assert len(buffer) == 1


def test_concurrent_writer_and_reader_lose_nothing_under_the_cap() -> None:
    buffer = PcmBuffer(clock_rate=16000, max_ms=1000)
    frames = [bytes([n % 256]) * 64 for n in range(500)]
    received = bytearray()

    def reader() -> None:
        while len(received) < 500 * 64:
            received.extend(buffer.read_available(256))

    thread = threading.Thread(target=reader)
    thread.start()
    for frame in frames:
        buffer.write(frame)
    thread.join(timeout=5)
    assert bytes(received) == b"".join(frames)


def test_headset_stream_routes_both_directions() -> None:
    stream = HeadsetStream(clock_rate=16000)
    stream.microphone.write(b"\x10\x00" * 4)
    assert stream.read_frame(8) == b"\x10\x00" * 4
    stream.write_frame(b"\x20\x00" * 2)
    assert stream.speaker.read(4) == b"\x20\x00" * 2
