"""Shanghai demo data for the catalog: over 2,000 resources made combinatorially from curated
topics × levels × formats, live classes in the coming week, senior MOOCs with open runs, and
the demo citizen's enrolments, progress and points. Idempotent; bulk inserts, a few seconds."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from lifelong.catalog.models import (
    Category,
    CourseRun,
    Enrolment,
    Kind,
    Resource,
    Status,
    Unit,
    UnitKind,
)
from lifelong.catalog.search import index as search_index
from lifelong.identity import api as identity
from lifelong.shared import clock

S, Y, W, K = "seniors", "youth", "white_collar", "workers"

# (category code, topic, audiences, one-line summary)
TOPICS: list[tuple[str, str, tuple[str, ...], str]] = [
    ("health", "太极拳", (S, W), "跟着名师一招一式练太极，调和气血、强身健体。"),
    ("health", "八段锦", (S, W, K), "国家体育总局推广的健身气功，动作舒缓，适合居家练习。"),
    ("health", "五禽戏", (S,), "模仿虎鹿熊猿鸟五种动物，活动筋骨的传统养生功法。"),
    ("health", "营养健康", (S, W, K), "合理膳食、吃动平衡，读懂食品标签，科学搭配一日三餐。"),
    ("health", "慢病管理", (S,), "高血压、糖尿病的日常监测与用药常识，做自己健康的第一责任人。"),
    ("health", "中医养生", (S, W), "四季养生、穴位保健与药膳食疗的基本知识。"),
    ("health", "广场舞", (S,), "简单易学的广场舞编排，注意运动安全，快乐健身。"),
    ("health", "心理健康", (Y, W, K), "认识压力与情绪，学会放松技巧，建立积极心态。"),
    ("arts", "书法", (S, Y), "从执笔、笔画到结构，系统学习楷书与行书。"),
    ("arts", "国画", (S, Y), "梅兰竹菊起步，掌握中国画的用笔用墨。"),
    ("arts", "摄影", (S, W, Y), "构图、光线与后期，拍出有故事的照片。"),
    ("arts", "手机摄影", (S, W), "用手机拍出好照片：构图技巧与修图软件入门。"),
    ("arts", "沪剧欣赏", (S,), "走近上海本土戏曲，听唱腔、看名段、知流派。"),
    ("arts", "京剧", (S, Y), "生旦净丑与唱念做打，领略国粹之美。"),
    ("arts", "声乐合唱", (S,), "科学发声与合唱配合，唱出好声音。"),
    ("arts", "葫芦丝", (S,), "零基础学吹葫芦丝，几周就能吹奏完整乐曲。"),
    ("arts", "剪纸", (S, Y), "海派剪纸的基本刀法与传统纹样。"),
    ("digital", "智能手机使用", (S,), "打电话、发微信、视频通话，一步一步学会用智能手机。"),
    ("digital", "移动支付", (S,), "安全使用扫码支付、绑定银行卡与防范支付风险。"),
    ("digital", "网上挂号", (S,), "用手机预约挂号、查看报告、在线缴费，看病少跑腿。"),
    ("digital", "随申办", (S, W), "用随申办办理社保、医保、公积金等常用事项。"),
    ("digital", "办公软件", (W, K), "文字处理、电子表格与演示文稿的高效用法。"),
    ("digital", "Python编程", (Y, W), "从零开始学Python，写出第一个实用小程序。"),
    ("digital", "人工智能", (Y, W, K), "了解人工智能的基本原理与生活中的应用。"),
    ("digital", "短视频制作", (S, Y, W), "拍摄、剪辑与发布短视频，记录美好生活。"),
    ("life", "家常菜烹饪", (S, W), "本帮菜与家常菜的做法，色香味俱全。"),
    ("life", "西点烘焙", (W, Y), "面包、蛋糕与饼干的基础烘焙技巧。"),
    ("life", "园艺花卉", (S,), "阳台种花养草，四季花开满园。"),
    ("life", "家庭理财", (S, W), "储蓄、保险与基金的基础知识，守好家庭钱袋子。"),
    ("life", "垃圾分类", (S, Y, W, K), "上海垃圾分类标准与家庭实践。"),
    ("life", "旅游攻略", (S, W), "制定旅行计划、预订行程与出行安全。"),
    ("career", "职业技能", (K, W), "岗位必备技能提升，助力职业发展。"),
    ("career", "育婴员", (K,), "婴幼儿生活照料与早期发展的职业技能。"),
    ("career", "养老护理", (K,), "老年人生活照护、康复与心理支持。"),
    ("career", "电工基础", (K,), "安全用电与常见电路的安装维修。"),
    ("career", "电子商务", (W, K, Y), "网店运营、直播带货与客户服务。"),
    ("career", "创业指导", (Y, W), "从创意到公司注册，创业必知的关键步骤。"),
    ("career", "会计实务", (W, K), "记账、报税与财务报表的实务操作。"),
    ("language", "沪语", (S, Y, W), "学说上海话，了解海派方言里的生活智慧。"),
    ("language", "英语口语", (S, Y, W), "日常交流、出国旅行的实用英语会话。"),
    ("language", "日语", (Y, W), "五十音图与日常会话入门。"),
    ("language", "普通话", (S, K), "规范发音与普通话水平测试辅导。"),
    ("language", "手语", (S, Y, W, K), "基础手语表达，搭建与听障人士沟通的桥梁。"),
    ("law", "防诈骗", (S, Y, W), "识别电信网络诈骗的常见套路，守护养老钱。"),
    ("law", "法律常识", (S, W, K), "婚姻家庭、继承与消费维权的法律知识。"),
    ("law", "消防安全", (S, Y, W, K), "火灾预防、灭火器使用与逃生自救。"),
    ("law", "急救知识", (S, Y, W, K), "心肺复苏、AED使用与常见意外的现场处置。"),
    ("law", "劳动合同", (K, W), "劳动合同的签订、变更与劳动者权益保护。"),
    ("law", "交通安全", (S, Y), "出行安全与电动自行车的规范使用。"),
    ("family", "家庭教育", (W, K), "亲子沟通与家庭教育的方法。"),
    ("family", "隔代教育", (S,), "祖辈带娃的科学方法与家庭教育协作。"),
    ("family", "青春期沟通", (W, K), "理解青春期孩子，建立良好的亲子关系。"),
    ("family", "婴幼儿照护", (W, K, S), "科学育儿：喂养、睡眠与早期启蒙。"),
    ("humanities", "上海历史", (S, Y, W), "从渔村到国际大都市：上海的发展历程。"),
    ("humanities", "海派文化", (S, W), "石库门、老字号与海派生活方式。"),
    ("humanities", "红色文化", (S, Y, W, K), "寻访上海红色地标，重温建党初心。"),
    ("humanities", "诗词鉴赏", (S, Y), "品读唐诗宋词，感受古典诗词之美。"),
    ("humanities", "上海建筑", (S, W), "外滩万国建筑群与武康路老洋房漫步。"),
    ("humanities", "博物馆导览", (S, Y), "走进上海博物馆，读懂馆藏珍品。"),
    ("humanities", "非遗传承", (S, Y), "顾绣、面塑与海派非物质文化遗产。"),
]
LEVELS = ["入门", "基础", "进阶", "提高", "实用技巧", "常见问题"]
TITLES = {
    Kind.COURSE: "{topic}{level}",
    Kind.MOOC: "{topic}{level}（慕课）",
    Kind.LIVE: "空中课堂：{topic}{level}",
    Kind.ARTICLE: "{topic}{level}知识要点",
    Kind.VIDEO: "{topic}{level}微视频",
    Kind.OFFLINE: "{topic}{level}（{district}社区学校）",
}
PROVIDERS = [
    "上海开放大学",
    "上海老年大学",
    "徐汇区社区学院",
    "天平路街道社区学校",
    "阳光艺术培训中心",
]
MEDIA = "/static/catalog/demo/lesson.wav"
CAPTIONS = "/static/catalog/demo/lesson.zh.vtt"
STREAM = "https://live.example.org/lifelong/"
DEMO_PREFIX = "demo-"


def _quiz(topic: str) -> list[dict]:
    return [
        {
            "question": f"学习「{topic}」最重要的是什么？",
            "options": ["循序渐进、坚持练习", "一次学完", "只看不练"],
            "answer": 0,
        },
        {
            "question": "遇到不懂的地方应该怎么办？",
            "options": ["放弃", "回看课程或请教老师", "随便猜"],
            "answer": 1,
        },
    ]


def _units(resource: Resource, topic: str, summary: str) -> list[Unit]:
    document = (
        f"{summary}\n\n本单元介绍「{resource.title}」的要点：先了解基本概念，再跟随示范练习，"
        "最后结合生活实际加以运用。学习时请量力而行，循序渐进。"
    )
    if resource.kind in (Kind.COURSE, Kind.MOOC):
        return [
            Unit(
                resource=resource,
                position=1,
                title="第一讲 认识" + topic,
                kind=UnitKind.DOCUMENT,
                body=document,
            ),
            Unit(
                resource=resource,
                position=2,
                title="第二讲 跟着老师学",
                kind=UnitKind.AUDIO,
                media_url=MEDIA,
                captions_url=CAPTIONS,
                duration_seconds=8,
                body="音频文字稿：欢迎来到上海市民终身学习云课堂。请跟随老师的讲解，一起学习本节内容。",
            ),
            Unit(
                resource=resource,
                position=3,
                title="课后小测验",
                kind=UnitKind.QUIZ,
                questions=_quiz(topic),
                pass_score=50,
            ),
        ]
    if resource.kind == Kind.ARTICLE:
        return [
            Unit(
                resource=resource,
                position=1,
                title=resource.title,
                kind=UnitKind.DOCUMENT,
                body=document,
            )
        ]
    if resource.kind == Kind.VIDEO:
        return [
            Unit(
                resource=resource,
                position=1,
                title=resource.title,
                kind=UnitKind.VIDEO,
                media_url=MEDIA,
                captions_url=CAPTIONS,
                duration_seconds=8,
                body="文字稿：欢迎来到上海市民终身学习云课堂。请跟随老师的讲解，一起学习本节内容。",
            )
        ]
    return []


def _live_time(index: int, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Live classes spread over the coming week (and a few in the past, with replays)."""
    local_today = now.astimezone(clock.SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    day = (index % 10) - 2  # two days back … seven days ahead
    hour = (10, 14, 19)[index % 3]
    starts = local_today + dt.timedelta(days=day, hours=hour)
    return starts, starts + dt.timedelta(hours=1)


@transaction.atomic
def load_demo() -> dict[str, int]:
    now = clock.now()
    existing = set(
        Resource.objects.filter(key__startswith=DEMO_PREFIX).values_list("key", flat=True)
    )
    categories = {c.code: c for c in Category.objects.all()}
    providers = [p for p in (identity.find_organisation(n) for n in PROVIDERS) if p]
    if not providers or not categories:
        return {"resources": Resource.objects.count()}
    districts = identity.districts()
    new: list[Resource] = []
    summaries: dict[str, tuple[str, str]] = {}
    kinds = list(Kind)
    for (t_index, (code, topic, audiences, summary)), (l_index, level) in itertools.product(
        enumerate(TOPICS), enumerate(LEVELS)
    ):
        for k_index, kind in enumerate(kinds):
            key = f"{DEMO_PREFIX}{t_index}-{l_index}-{kind.value}"
            if key in existing:
                continue
            serial = (t_index * len(LEVELS) + l_index) * len(kinds) + k_index
            district = districts[serial % len(districts)]
            provider = providers[serial % len(providers)]
            title = TITLES[kind].format(topic=topic, level=level, district=district.name)
            published = now - dt.timedelta(days=(serial * 7) % 2400, hours=serial % 24)
            resource = Resource(
                key=key,
                kind=kind,
                title=title,
                summary=summary,
                description=f"{summary}课程由{provider.name}提供，适合{level}阶段的学习者。",
                category=categories[code],
                provider_id=provider.id,
                provider_path=provider.path,
                district_id=district.code
                if kind in (Kind.OFFLINE, Kind.LIVE) or serial % 3 == 0
                else None,
                for_seniors=S in audiences,
                for_youth=Y in audiences,
                for_white_collar=W in audiences,
                for_workers=K in audiences,
                fee=Decimal("0.00") if serial % 5 else Decimal("50.00"),
                accessibility_notes="提供中文字幕和文字稿；大字号友好。" if serial % 2 == 0 else "",
                is_senior_mooc=kind == Kind.MOOC and S in audiences,
                status=Status.PUBLISHED,
                published_at=published,
                created_by="demo",
                completion_percent=100,
                requires_quiz_pass=True,
            )
            if kind == Kind.LIVE:
                resource.starts_at, resource.ends_at = _live_time(serial, now)
                resource.stream_url = f"{STREAM}{key}"
                resource.capacity = 500
                if resource.ends_at < now:
                    resource.replay_url = f"{STREAM}{key}/replay"
            if kind == Kind.OFFLINE:
                resource.venue = f"{district.name}社区学校"
                resource.starts_at = now + dt.timedelta(days=3 + serial % 60)
                resource.ends_at = resource.starts_at + dt.timedelta(hours=2)
                resource.capacity = 30
            new.append(resource)
            summaries[key] = (topic, summary)
    Resource.objects.bulk_create(new, batch_size=500)
    created = list(Resource.objects.filter(key__in=[r.key for r in new]))
    if created:
        # Slots in order of publication, as if each had been approved on its day.
        search_index.rebuild()
    units = [u for r in created for u in _units(r, *summaries[r.key or ""])]
    Unit.objects.bulk_create(units, batch_size=1000)
    today = clock.today()
    CourseRun.objects.bulk_create(
        [
            CourseRun(
                resource=r,
                title=f"{today.year}年第{1 if today.month <= 6 else 2}期",
                starts_on=today - dt.timedelta(days=30),
                ends_on=today + dt.timedelta(days=150),
            )
            for r in created
            if r.kind == Kind.MOOC
        ],
        batch_size=500,
    )
    _demo_learning()
    return {
        "resources": Resource.objects.filter(key__startswith=DEMO_PREFIX).count(),
        "units": Unit.objects.count(),
        "enrolments": Enrolment.objects.count(),
    }


def _demo_learning() -> None:
    """The demo citizen is part-way through 太极拳入门, has finished 八段锦入门, and is signed
    up for a live class this week."""
    from lifelong.catalog.services import learning

    user = get_user_model().objects.filter(username="citizen").first()
    if user is None:
        return
    actor = identity.actor_for_user(user)
    if not actor.person_id or Enrolment.objects.filter(person_id=actor.person_id).exists():
        return
    taiji = Resource.objects.get(key=f"{DEMO_PREFIX}0-0-course")
    enrolment, _ = learning.enrol_person(actor=actor, resource_id=taiji.pk)
    first = taiji.units.order_by("position").first()
    assert first is not None
    learning.record_progress(
        actor=actor, enrolment_id=enrolment.pk, unit_id=first.pk, completed=True
    )
    baduanjin = Resource.objects.get(key=f"{DEMO_PREFIX}1-0-course")
    done, _ = learning.enrol_person(actor=actor, resource_id=baduanjin.pk)
    for unit in baduanjin.units.order_by("position"):
        if unit.kind == UnitKind.QUIZ:
            answers = [q["answer"] for q in unit.questions]
            learning.submit_quiz(
                actor=actor, enrolment_id=done.pk, unit_id=unit.pk, answers=answers
            )
        else:
            learning.record_progress(
                actor=actor, enrolment_id=done.pk, unit_id=unit.pk, completed=True
            )
    live = (
        Resource.objects.filter(
            key__startswith=DEMO_PREFIX, kind=Kind.LIVE, starts_at__gt=clock.now()
        )
        .order_by("starts_at")
        .first()
    )
    if live is not None:
        learning.enrol_person(actor=actor, resource_id=live.pk)
