// The explorer's words, in the page's two languages (the glossary's terms: 학습률, 모멘텀,
// 감쇠율, 손실, 발산, 걸음, 초매개변수). `t(lang, key, values)` fills {name} slots.

const TEXT = {
  ko: {
    surface: "손실 곡면", custom: "직접 입력한 식", formula: "식 (x와 y의 함수)",
    apply: "식 적용", loadingMath: "식 계산기를 불러오는 중입니다…",
    badFormula: "식을 읽을 수 없습니다: {why}",
    notFinite: "출발점 ({x}, {y})에서 식의 값이나 기울기가 유한하지 않습니다.",
    mathFailed: "식 계산기를 불러오지 못했습니다.",
    customWindow: "그림 창은 x와 y 모두 −3부터 3까지입니다.",
    optimizers: "옵티마이저", rates: "학습률의 출발값", torch: "PyTorch 기본값",
    rule: "다른 페이지 그림의 규칙이 고른 학습률",
    ruleNote: "규칙의 학습률은 곡면의 기본 출발점에서 {steps}걸음으로 고른 값입니다.",
    lr: "{name}의 학습률", hyper: "{name}의 {param}", settings: "{name}의 초매개변수",
    steps: "걸음 수", noise: "기울기 잡음", sigma: "잡음의 표준편차 σ", seed: "잡음 시드",
    schedule: "학습률 스케줄", none: "없음", step: "계단식 감소 (StepLR)",
    cosine: "코사인 감소 (CosineAnnealingLR)", warmup: "워밍업 뒤 코사인 (LinearLR → CosineAnnealingLR)",
    onecycle: "원 사이클 (OneCycleLR, 최고점은 각 옵티마이저의 학습률)",
    play: "재생", pause: "일시 정지", stepSlider: "걸음", stepOf: "{step} / {steps}걸음",
    show: "상태를 그릴 옵티마이저", velocity: "속도 화살표: 다음 걸음에서 모멘텀이 옮기는 만큼 (−η·v)",
    adaptive: "좌표별 걸음 크기 {what}: x {sx}, y {sy}", noState: "{name}에는 그릴 상태가 없습니다.",
    copy: "링크 복사", copied: "링크를 복사했습니다.", copyFailed: "복사하지 못했습니다. 주소 창의 링크를 쓰세요.",
    csv: "CSV 내려받기", pathsFigure: "등고선 위의 경로. 그림을 누르거나 끌어 출발점을 옮기고, 초점이 있을 때 화살표 키로도 옮깁니다.",
    lossFigure: "걸음별 손실", lossAxis: "손실", gapAxis: "손실 − 최솟값", stepAxis: "걸음",
    diverged: "발산", divergedAt: "{step}걸음째 발산", pickOne: "옵티마이저를 하나 이상 고르세요.",
    status: "{step}걸음째", lossOf: "{name} 손실 {loss}", computed: "모든 경로 계산 {ms} ms",
    start: "출발점", minimum: "최솟값",
    momentum: "모멘텀 β (momentum)", rho: "감쇠율 ρ (rho)", alpha: "감쇠율 α (alpha)",
    beta0: "β₁ (betas[0])", beta1: "β₂ (betas[1])",
  },
  en: {
    surface: "Surface", custom: "Your own formula", formula: "Formula (a function of x and y)",
    apply: "Apply the formula", loadingMath: "Loading the formula parser…",
    badFormula: "The formula cannot be read: {why}",
    notFinite: "The formula's value or gradient is not finite at the start ({x}, {y}).",
    mathFailed: "The formula parser could not be loaded.",
    customWindow: "The picture spans −3 to 3 in both x and y.",
    optimizers: "Optimizers", rates: "Starting learning rates", torch: "PyTorch's defaults",
    rule: "The rate the other pages' rule picks",
    ruleNote: "The rule's rate is picked from the surface's default start over {steps} steps.",
    lr: "{name} learning rate", hyper: "{name} {param}", settings: "{name}'s hyperparameters",
    steps: "Steps", noise: "Gradient noise", sigma: "Noise standard deviation σ", seed: "Noise seed",
    schedule: "Learning-rate schedule", none: "None", step: "Step decay (StepLR)",
    cosine: "Cosine decay (CosineAnnealingLR)", warmup: "Warm-up then cosine (LinearLR → CosineAnnealingLR)",
    onecycle: "One cycle (OneCycleLR, peaking at each optimizer's learning rate)",
    play: "Play", pause: "Pause", stepSlider: "Step", stepOf: "step {step} of {steps}",
    show: "Optimizer whose state is drawn", velocity: "Velocity arrow: what momentum moves at the next step (−η·v)",
    adaptive: "Per-coordinate step size {what}: x {sx}, y {sy}", noState: "{name} has no state to draw.",
    copy: "Copy the link", copied: "Link copied.", copyFailed: "Could not copy; use the link in the address bar.",
    csv: "Download CSV", pathsFigure: "Paths over the contours. Press or drag on the picture to move the start; with focus, the arrow keys move it too.",
    lossFigure: "Loss against step", lossAxis: "Loss", gapAxis: "Loss − minimum", stepAxis: "Step",
    diverged: "diverged", divergedAt: "diverged at step {step}", pickOne: "Choose at least one optimizer.",
    status: "Step {step}", lossOf: "{name} loss {loss}", computed: "all paths computed in {ms} ms",
    start: "start", minimum: "minimum",
    momentum: "momentum β", rho: "decay ρ (rho)", alpha: "decay α (alpha)",
    beta0: "β₁ (betas[0])", beta1: "β₂ (betas[1])",
  },
};

export function t(lang, key, values = {}) {
  const s = (TEXT[lang] || TEXT.en)[key];
  return s.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
}

// A number for reading: 4 significant digits, exponent form when very small or large.
export function num(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}
