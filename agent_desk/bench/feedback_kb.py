"""kb_search_p95_ms: the knowledge base's full-text search over 22,000,000 characters of
articles (goal <= 20 ms), as F1 and `kb search` run it (the service: terms, index, the
articles' rows, snippets).

The articles are generated: sentences drawn from a vocabulary of follow-up and health
education words, common ones far more often than rare ones (Zipf), so that a two-character
query such as 血压 matches thousands of articles, as it would in a real knowledge base.
The queries mix two-character words (the bigram index), longer words (the trigram index)
and two-word queries. The database is built once and kept in the bench folder.
"""

from __future__ import annotations

import random
import time
import uuid
from pathlib import Path

from agent_desk.bench.bench_files import bench_file
from agent_desk.bench.stats import percentile, rounded
from agent_desk.db.knowledge_search import optimize_index
from agent_desk.db.open import open_file
from agent_desk.domain.enums import KnowledgeKind, Role
from agent_desk.domain.permissions import Principal
from agent_desk.services.knowledge import KnowledgeService

CHARACTERS = 22_000_000
ARTICLE_CHARS = 2_000  # about a page; 11,000 articles
QUERIES = 400
_BUILD_VERSION = 2  # bump when the generated corpus changes

_VOCABULARY = """
血压 血糖 饮食 复诊 用药 运动 睡眠 伤口 发热 疼痛 咳嗽 呼吸 心率
体重 吸烟 饮酒 高血压 糖尿病 低血糖 脑梗死 冠心病 心绞痛 心力衰竭
慢阻肺 哮喘 肺炎 胃炎 肝硬化 肾病 贫血 骨折 关节置换 白内障 抑郁
焦虑 康复训练 健康宣教 出院医嘱 随访 回访 满意度 护士 医生 家属 门诊
急诊 住院 手术 麻醉 换药 拆线 输液 检查 化验 胰岛素 降压药 抗凝
阿司匹林 他汀 低盐 低脂 清淡 蔬菜 水果 主食 蛋白质 每天 每周 按时
规律 注意 避免 及时 立即 如果 出现 症状 情况 需要 可以 应该 测量
记录 观察 保持 控制 预防 减少 增加 坚持 咨询 联系 拨打 就诊 医院
科室
"""
_WORDS = tuple(_VOCABULARY.split())
_FILLERS = tuple("的了和在是有就也要请您把与或后前时中上下")
_PUNCTUATION = "，，，。；、"
# Two-character words (bigram index), longer words (trigram index), two-word queries.
QUERY_SET = (
    *["血压", "血糖", "饮食", "复诊", "发热", "伤口", "疼痛", "睡眠"],
    *["高血压", "糖尿病", "低血糖", "脑梗死", "康复训练", "出院医嘱", "降压药", "胰岛素"],
    "高血压 饮食",
    "糖尿病 血糖",
    "伤口 换药",
    "低盐 低脂",
    "发热 咳嗽",
)


def run_kb(folder: Path, characters: int = CHARACTERS) -> dict[str, float]:
    db = open_file(bench_file(_built(folder, characters)))
    try:
        service = KnowledgeService(db)
        agent = Principal.of("bench", [Role.AGENT])
        queries = list(QUERY_SET)
        rng = random.Random(7)
        for query in queries:  # warm: the page cache and the statements
            service.search(query, agent)
        samples = []
        found = 0
        for _ in range(QUERIES):
            query = rng.choice(queries)
            started = time.perf_counter()
            hits = service.search(query, agent)
            samples.append((time.perf_counter() - started) * 1000)
            found += bool(hits)
    finally:
        db.dispose()
    return {
        "kb_search_p95_ms": rounded(percentile(samples, 95)),
        "kb_search_median_ms": rounded(percentile(samples, 50)),
        "kb_search_queries_with_hits": float(found),
        "kb_characters": float(characters),
    }


def _built(folder: Path, characters: int) -> Path:
    path = folder / f"knowledge_{characters}_v{_BUILD_VERSION}.sqlite3"
    if path.exists():
        return path
    partial = path.with_name(f"building-{path.name}")
    for leftover in folder.glob(f"{partial.name}*"):
        leftover.unlink()
    db = open_file(bench_file(partial))
    try:
        with db.write() as session:
            connection = session.connection().connection.driver_connection
            assert connection is not None
            connection.executemany(
                "INSERT INTO kb_articles (id, key, kind, title, tags, department_id, "
                "icd10_prefixes, revision, edited_by, body, version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, NULL, '', 1, 'bench', ?, 1, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                _articles(random.Random(11), characters),
            )
            optimize_index(session)
    finally:
        db.dispose()
    for suffix in ("-wal", "-shm"):
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)
    partial.rename(path)
    return path


def _articles(rng: random.Random, characters: int) -> list[tuple[bytes, str, str, str, str, str]]:
    # Zipf weights: the first words of the vocabulary are the common ones.
    weights = [1 / (rank + 1) for rank in range(len(_WORDS))]
    rows = []
    written = 0
    n = 0
    while written < characters:
        body = _body(rng, weights, rng.randint(ARTICLE_CHARS // 2, ARTICLE_CHARS * 3 // 2))
        title = "".join(rng.choices(_WORDS, weights, k=3))
        tags = ",".join(rng.sample(_WORDS[:40], 2))
        kind = rng.choice(list(KnowledgeKind)).value
        rows.append((uuid.uuid4().bytes, f"bench-{n}", kind, title, tags, body))
        written += len(body)
        n += 1
    return rows


def _body(rng: random.Random, weights: list[float], length: int) -> str:
    parts: list[str] = []
    size = 0
    while size < length:
        words = rng.choices(_WORDS, weights, k=rng.randint(3, 8))
        sentence = rng.choice(_FILLERS).join(words) + rng.choice(_PUNCTUATION)
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)
