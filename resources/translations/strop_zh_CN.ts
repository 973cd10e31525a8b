<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>CatalogueView</name>
    <message>
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <source>Languages</source>
      <translation>语言</translation>
    </message>
    <message>
      <source>Parameters</source>
      <translation>参数量</translation>
    </message>
    <message>
      <source>Download</source>
      <translation>下载</translation>
    </message>
    <message>
      <source>Licence</source>
      <translation>许可证</translation>
    </message>
    <message>
      <source>Speed (CPU)</source>
      <translation>速度（CPU）</translation>
    </message>
    <message>
      <source>On this computer</source>
      <translation>本机已有</translation>
    </message>
    <message>
      <source>Use</source>
      <translation>使用</translation>
    </message>
    <message>
      <source>Import model…</source>
      <translation>导入模型…</translation>
    </message>
    <message>
      <source>Copy a model folder or .zip made on another computer into Strop's models.</source>
      <translation>把在另一台电脑上准备好的模型文件夹或 .zip 复制到 Strop 的模型中。</translation>
    </message>
    <message>
      <source>Your data is in '{language}': models that read it come first.</source>
      <translation>您的数据语言为“{language}”：能读懂该语言的模型排在前面。</translation>
    </message>
    <message>
      <source>Open a data file to rank the models for its language.</source>
      <translation>打开数据文件后，模型会按其语言排序。</translation>
    </message>
    <message>
      <source>many</source>
      <translation>多语言</translation>
    </message>
    <message>
      <source>{m:.0f} M</source>
      <translation>{m:.0f} M</translation>
    </message>
    <message>
      <source>{mb:,} MB</source>
      <translation>{mb:,} MB</translation>
    </message>
    <message>
      <source>fast</source>
      <translation>快</translation>
    </message>
    <message>
      <source>medium</source>
      <translation>中等</translation>
    </message>
    <message>
      <source>slow</source>
      <translation>慢</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>是</translation>
    </message>
    <message>
      <source>no</source>
      <translation>否</translation>
    </message>
    <message>
      <source>Does not read your data's language.</source>
      <translation>读不懂您数据的语言。</translation>
    </message>
  </context>
  <context>
    <name>Coaching</name>
    <message>
      <source>Overfitting: the validation loss rose for {n} evaluations after step {from_step} while the training loss kept falling. The best checkpoint, from step {best_step}, was kept; fewer epochs or more data would help.</source>
      <extracomment>The translated templates by code, each a call with its literal English source (which lupdate extracts). A test checks the English equals the engine's, so a changed engine sentence cannot keep a stale translation.</extracomment>
      <translation>过拟合：第 {from_step} 步之后，验证损失连续 {n} 次评估上升，而训练损失仍在下降。已保留第 {best_step} 步的最佳检查点；减少轮数或增加数据会有帮助。</translation>
    </message>
    <message>
      <source>Underfitting: the training loss barely moved ({first:.3f} to {last:.3f}, {drop:.0%} lower). Raise the learning rate or train longer.</source>
      <translation>欠拟合：训练损失几乎没有变化（从 {first:.3f} 到 {last:.3f}，只降低了 {drop:.0%}）。请提高学习率或训练更久。</translation>
    </message>
    <message>
      <source>Class {label!r} has only {n:,} training examples and a recall of {recall:.0%} (the other classes: {others:.0%}): add examples of it.</source>
      <translation>类别 {label!r} 只有 {n:,} 个训练样本，召回率为 {recall:.0%}（其他类别：{others:.0%}）：请为它添加样本。</translation>
    </message>
    <message>
      <source>The classes are imbalanced: {big!r} has {n_big:,} training examples, {small!r} only {n_small:,} ({ratio:.0f}x fewer). Watch macro F1 rather than accuracy.</source>
      <translation>类别不平衡：{big!r} 有 {n_big:,} 个训练样本，{small!r} 只有 {n_small:,} 个（少 {ratio:.0f} 倍）。请关注宏平均 F1，而不是准确率。</translation>
    </message>
    <message>
      <source>Fine-tuning paid off: {metric} {score:.1%} against {baseline:.1%} for the TF-IDF baseline ({gain:+.1%}).</source>
      <translation>微调有效果：{metric} 为 {score:.1%}，TF-IDF 基线为 {baseline:.1%}（{gain:+.1%}）。</translation>
    </message>
    <message>
      <source>Fine-tuning did no better than the TF-IDF baseline: {metric} {score:.1%} against {baseline:.1%}. The simple model may be enough, or the data too small to learn more.</source>
      <translation>微调并不比 TF-IDF 基线好：{metric} 为 {score:.1%}，基线为 {baseline:.1%}。简单模型可能已经够用，或者数据太少，学不到更多。</translation>
    </message>
    <message>
      <source>Fine-tuning did not beat the TF-IDF baseline: {metric} {score:.1%} against {baseline:.1%}. Train longer, raise the learning rate or choose another model.</source>
      <translation>微调没有超过 TF-IDF 基线：{metric} 为 {score:.1%}，基线为 {baseline:.1%}。请训练更久、提高学习率或换一个模型。</translation>
    </message>
    <message>
      <source>{n:,} validation text(s) ({share:.0%}) also appear in the training data: the validation score is inflated by them.</source>
      <translation>{n:,} 条验证文本（{share:.0%}）也出现在训练数据中：验证分数因此偏高。</translation>
    </message>
    <message>
      <source>macro F1</source>
      <translation>宏平均 F1</translation>
    </message>
    <message>
      <source>accuracy</source>
      <translation>准确率</translation>
    </message>
    <message>
      <source>entity F1</source>
      <translation>实体 F1</translation>
    </message>
  </context>
  <context>
    <name>ColumnPickers</name>
    <message>
      <source>Columns</source>
      <translation>列</translation>
    </message>
    <message>
      <source>The column holding the texts to classify.</source>
      <translation>包含待分类文本的列。</translation>
    </message>
    <message>
      <source>The column holding each text's class (its label).</source>
      <translation>包含每条文本所属类别（标签）的列。</translation>
    </message>
    <message>
      <source>Text:</source>
      <translation>文本：</translation>
    </message>
    <message>
      <source>Label:</source>
      <translation>标签：</translation>
    </message>
  </context>
  <context>
    <name>CompareView</name>
    <message>
      <source>Try the starter model, and every other model on this computer that reads your data's language, with each strategy, for a short while on a sample, plus a simple baseline (TF-IDF + logistic regression). The best validation macro F1 is recommended.</source>
      <translation>在数据样本上，用入门模型以及本机上其他每个能读懂您数据语言的模型、配合每种策略各短暂训练一次，并加上一个简单基线（TF-IDF + 逻辑回归）。推荐验证集宏 F1 最高者。</translation>
    </message>
    <message>
      <source> s</source>
      <translation> 秒</translation>
    </message>
    <message>
      <source>Budget: </source>
      <translation>时间预算：</translation>
    </message>
    <message>
      <source>How long the whole comparison may take.</source>
      <translation>整个比较最多可用的时间。</translation>
    </message>
    <message>
      <source>Compare</source>
      <translation>比较</translation>
    </message>
    <message>
      <source>Stop</source>
      <translation>停止</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <source>Strategy</source>
      <translation>策略</translation>
    </message>
    <message>
      <source>Accuracy</source>
      <translation>准确率</translation>
    </message>
    <message>
      <source>Macro F1</source>
      <translation>宏平均 F1</translation>
    </message>
    <message>
      <source>Trial time</source>
      <translation>试训时间</translation>
    </message>
    <message>
      <source>Full run (estimate)</source>
      <translation>完整训练（估计）</translation>
    </message>
    <message>
      <source>Use this model and strategy</source>
      <translation>使用此模型和策略</translation>
    </message>
    <message>
      <source>Models for this language…</source>
      <translation>适合该语言的模型…</translation>
    </message>
    <message>
      <source>Import model…</source>
      <translation>导入模型…</translation>
    </message>
    <message>
      <source>Comparing models works on text classification data. For photos or named entities, train a run with each model or strategy and compare their curves in the Runs tab.</source>
      <translation>模型比较只适用于文本分类数据。对于照片或命名实体，请用每个模型或策略各训练一次，然后在“运行记录”标签页中比较它们的曲线。</translation>
    </message>
    <message>
      <source>No data file is open.</source>
      <translation>尚未打开数据文件。</translation>
    </message>
    <message>
      <source>Comparing… each line appears when its trial is done.</source>
      <translation>正在比较…每个候选试训完成后即显示一行。</translation>
    </message>
    <message>
      <source>The comparison could not run: see the message above.</source>
      <translation>比较无法进行：请看上方的消息。</translation>
    </message>
    <message>
      <source>Stopping after the current step…</source>
      <translation>将在当前步骤完成后停止…</translation>
    </message>
    <message>
      <source>Baseline: TF-IDF + logistic regression</source>
      <translation>基线：TF-IDF + 逻辑回归</translation>
    </message>
    <message>
      <source>skipped</source>
      <translation>已跳过</translation>
    </message>
    <message>
      <source>Not tried: {reason}</source>
      <translation>未试训：{reason}</translation>
    </message>
    <message>
      <source>{steps} steps on {rows:,} training rows</source>
      <translation>在 {rows:,} 行训练数据上训练 {steps} 步</translation>
    </message>
    <message>
      <source>{share:.0%} of the tokens are unknown to this model's vocabulary.</source>
      <translation>{share:.0%} 的词元不在此模型的词表中。</translation>
    </message>
    <message>
      <source>{n} candidate(s) measured…</source>
      <translation>已测量 {n} 个候选…</translation>
    </message>
    <message>
      <source>Stopped: the table shows what was measured.</source>
      <translation>已停止：表中为已测得的结果。</translation>
    </message>
    <message>
      <source>Done in {time}.</source>
      <translation>完成，用时 {time}。</translation>
    </message>
    <message>
      <source>Recommended: the best validation macro F1.</source>
      <translation>推荐：验证集宏 F1 最高。</translation>
    </message>
    <message>
      <source>The simple baseline scored best (macro F1 {f1:.3f}): no model tried here reads this data well enough. Strop does not save the baseline; it is a yardstick. Get a model that reads '{language}' text - for example {names} - by downloading it or importing it from another computer.</source>
      <translation>简单基线得分最高（宏 F1 {f1:.3f}）：这里试过的模型都读不好这份数据。Strop 不会保存基线，它只是一把标尺。请获取一个能读懂“{language}”文本的模型（例如 {names}）：下载，或从另一台电脑导入。</translation>
    </message>
  </context>
  <context>
    <name>ConfigExport</name>
    <message>
      <source>Export run config</source>
      <translation>导出运行配置</translation>
    </message>
    <message>
      <source>Run config (*.json)</source>
      <translation>运行配置 (*.json)</translation>
    </message>
    <message>
      <source>One process:</source>
      <translation>单进程：</translation>
    </message>
    <message>
      <source>Several processes or GPUs with torchrun:</source>
      <translation>使用 torchrun 运行多进程或多 GPU：</translation>
    </message>
    <message>
      <source>With accelerate:</source>
      <translation>使用 accelerate：</translation>
    </message>
    <message>
      <source>Run config exported</source>
      <translation>运行配置已导出</translation>
    </message>
    <message>
      <source>Saved {path}. Run it without the window, from the project folder:</source>
      <translation>已保存 {path}。在项目文件夹中运行以下命令，即可脱离窗口训练：</translation>
    </message>
  </context>
  <context>
    <name>CurvePlots</name>
    <message>
      <source>Loss (lower is better)</source>
      <extracomment>Colours that read on light and dark backgrounds alike.</extracomment>
      <translation>损失（越低越好）</translation>
    </message>
    <message>
      <source>step</source>
      <translation>步</translation>
    </message>
    <message>
      <source>training loss</source>
      <translation>训练损失</translation>
    </message>
    <message>
      <source>validation loss</source>
      <translation>验证损失</translation>
    </message>
    <message>
      <source>accuracy</source>
      <translation>准确率</translation>
    </message>
    <message>
      <source>macro F1</source>
      <translation>宏平均 F1</translation>
    </message>
  </context>
  <context>
    <name>DatasetLoader</name>
    <message>
      <source>Reading the file…</source>
      <translation>正在读取文件…</translation>
    </message>
    <message>
      <source>reading…</source>
      <translation>读取中…</translation>
    </message>
    <message>
      <source>Could not open {path}</source>
      <translation>无法打开 {path}</translation>
    </message>
    <message>
      <source>No report: the file could not be read.</source>
      <translation>没有报告：无法读取该文件。</translation>
    </message>
    <message>
      <source>{n:,} sentences</source>
      <translation>{n:,} 个句子</translation>
    </message>
    <message>
      <source>{n:,} images</source>
      <translation>{n:,} 张图片</translation>
    </message>
    <message>
      <source>No report: see the message above.</source>
      <translation>没有报告：请查看上方的消息。</translation>
    </message>
    <message>
      <source>first {n} rows (loading all…)</source>
      <translation>前 {n} 行（正在加载全部…）</translation>
    </message>
    <message>
      <source>{n:,} rows</source>
      <translation>{n:,} 行</translation>
    </message>
  </context>
  <context>
    <name>DatasetReportView</name>
    <message>
      <source>What is in this data</source>
      <translation>数据概况</translation>
    </message>
    <message>
      <source>The report appears here once a file is open.</source>
      <translation>打开文件后，报告会显示在这里。</translation>
    </message>
    <message>
      <source>Examples per class</source>
      <translation>每个类别的样本数</translation>
    </message>
    <message>
      <source>Text length (tokens)</source>
      <translation>文本长度（词元）</translation>
    </message>
    <message>
      <source>Measuring the data with the model's tokenizer…</source>
      <translation>正在用模型的分词器分析数据…</translation>
    </message>
    <message>
      <source>&lt;b&gt;{train:,}&lt;/b&gt; training sentences, &lt;b&gt;{val:,}&lt;/b&gt; validation sentences; &lt;b&gt;{n}&lt;/b&gt; entity types; {format}, tags in {scheme} (read as IOB2).</source>
      <translation>&lt;b&gt;{train:,}&lt;/b&gt; 个训练句子，&lt;b&gt;{val:,}&lt;/b&gt; 个验证句子；&lt;b&gt;{n}&lt;/b&gt; 种实体类型；{format} 格式，标注体系为 {scheme}（按 IOB2 读取）。</translation>
    </message>
    <message>
      <source>Words per sentence: median {p50}, 90% under {p90}, longest {max}.</source>
      <translation>每句词数：中位数 {p50}，90% 不超过 {p90}，最长 {max}。</translation>
    </message>
    <message>
      <source>Entities per type (training / validation): {counts}.</source>
      <translation>各类型实体数（训练 / 验证）：{counts}。</translation>
    </message>
    <message>
      <source>Entities per type</source>
      <translation>各类型的实体数</translation>
    </message>
    <message>
      <source>✔ Nothing to worry about in this data.</source>
      <translation>✔ 这份数据没有需要担心的问题。</translation>
    </message>
    <message>
      <source>line or record {n}</source>
      <translation>行或记录 {n}</translation>
    </message>
    <message>
      <source>Examples of tag-scheme errors:</source>
      <translation>标注体系错误示例：</translation>
    </message>
    <message>
      <source>&lt;b&gt;{train:,}&lt;/b&gt; training images, &lt;b&gt;{val:,}&lt;/b&gt; validation images; &lt;b&gt;{n}&lt;/b&gt; classes.</source>
      <translation>&lt;b&gt;{train:,}&lt;/b&gt; 张训练图片，&lt;b&gt;{val:,}&lt;/b&gt; 张验证图片；&lt;b&gt;{n}&lt;/b&gt; 个类别。</translation>
    </message>
    <message>
      <source>Image sizes (a sample of {n:,}): median {w:.0f}×{h:.0f} pixels, smallest side {small}, largest side {large}.</source>
      <translation>图片尺寸（抽样 {n:,} 张）：中位数 {w:.0f}×{h:.0f} 像素，最短边 {small}，最长边 {large}。</translation>
    </message>
    <message>
      <source>Images per class</source>
      <translation>各类别的图片数</translation>
    </message>
    <message>
      <source>Checking the images (sizes, duplicates)…</source>
      <translation>正在检查图片（尺寸、重复）…</translation>
    </message>
    <message>
      <source>from {file}</source>
      <translation>来自 {file}</translation>
    </message>
    <message>
      <source>held out, stratified</source>
      <translation>分层留出</translation>
    </message>
    <message>
      <source>&lt;b&gt;{train:,}&lt;/b&gt; training rows, &lt;b&gt;{val:,}&lt;/b&gt; validation rows ({held}); &lt;b&gt;{n}&lt;/b&gt; classes; text column &lt;i&gt;{text}&lt;/i&gt;, label column &lt;i&gt;{label}&lt;/i&gt;.</source>
      <translation>训练 &lt;b&gt;{train:,}&lt;/b&gt; 行，验证 &lt;b&gt;{val:,}&lt;/b&gt; 行（{held}）；共 &lt;b&gt;{n}&lt;/b&gt; 个类别；文本列 &lt;i&gt;{text}&lt;/i&gt;，标签列 &lt;i&gt;{label}&lt;/i&gt;。</translation>
    </message>
    <message>
      <source>Tokens per text: median {p50}, 95% under {p95}, longest {max}. Max length {ml} cuts {cut:.1%} of texts.</source>
      <translation>每条文本的词元数：中位数 {p50}，95% 不超过 {p95}，最长 {max}。最大长度 {ml} 会截断 {cut:.1%} 的文本。</translation>
    </message>
    <message>
      <source>training</source>
      <translation>训练</translation>
    </message>
    <message>
      <source>validation</source>
      <translation>验证</translation>
    </message>
    <message>
      <source>max length {n}</source>
      <translation>最大长度 {n}</translation>
    </message>
  </context>
  <context>
    <name>DatasetTab</name>
    <message>
      <source>Open data file…</source>
      <translation>打开数据文件…</translation>
    </message>
    <message>
      <source>CSV, TSV, JSON, JSON Lines or Parquet, with a text column and a label column.</source>
      <translation>CSV、TSV、JSON、JSON Lines 或 Parquet 文件，需包含一个文本列和一个标签列。</translation>
    </message>
    <message>
      <source>Open folder…</source>
      <translation>打开文件夹…</translation>
    </message>
    <message>
      <source>A folder of images with one subfolder per class (or train/ and val/ folders holding them), or a dataset saved by the datasets library.</source>
      <translation>一个图片文件夹，每个类别一个子文件夹（或包含这些子文件夹的 train/ 和 val/ 文件夹），或由 datasets 库保存的数据集。</translation>
    </message>
    <message>
      <source>No data file yet: open one, or drop it on the window.</source>
      <translation>尚未打开数据文件：请打开一个，或将文件拖放到窗口上。</translation>
    </message>
    <message>
      <source>Task:</source>
      <translation>任务：</translation>
    </message>
    <message>
      <source>Open a data file</source>
      <translation>打开数据文件</translation>
    </message>
    <message>
      <source>Open a folder of images</source>
      <translation>打开一个图片文件夹</translation>
    </message>
    <message>
      <source>The data file is still loading.</source>
      <translation>数据文件仍在加载中。</translation>
    </message>
    <message>
      <source>Wait a moment and try again.</source>
      <translation>请稍候再试。</translation>
    </message>
    <message>
      <source>No data file is open.</source>
      <translation>尚未打开数据文件。</translation>
    </message>
    <message>
      <source>Open a CSV, TSV, JSON or Parquet file in the Dataset tab first.</source>
      <translation>请先在“数据集”标签页中打开一个 CSV、TSV、JSON 或 Parquet 文件。</translation>
    </message>
  </context>
  <context>
    <name>Engine</name>
    <message>
      <source>Loading the data</source>
      <extracomment>The choices in the settings dialog: follow the system, or one of the languages. The languages the interface is written or translated in (``en`` is the source). Each language's name in itself (never translated: a reader looks for their own language). Families known to draw Simplified Chinese well, best first (Windows, macOS, Linux).</extracomment>
      <translation>正在加载数据</translation>
    </message>
    <message>
      <source>Loading the model</source>
      <translation>正在加载模型</translation>
    </message>
    <message>
      <source>Measuring the data</source>
      <translation>正在分析数据</translation>
    </message>
    <message>
      <source>Preparing the examples</source>
      <translation>正在准备样本</translation>
    </message>
    <message>
      <source>Fitting the baseline</source>
      <translation>正在拟合基线</translation>
    </message>
    <message>
      <source>Building the model</source>
      <translation>正在构建模型</translation>
    </message>
    <message>
      <source>Evaluating the best model</source>
      <translation>正在评估最佳模型</translation>
    </message>
    <message>
      <source>Train every weight of the network: the most to gain on photos unlike ImageNet's, and the slowest.</source>
      <translation>训练网络的全部权重：照片与 ImageNet 差别越大，收益越多；也最慢。</translation>
    </message>
    <message>
      <source>Train only the top {n} stage(s) of the network and the classifier: faster and lighter, and the most accurate on a few hundred photos.</source>
      <translation>只训练网络最上面 {n} 个阶段和分类器：更快、更省内存，在几百张照片上最准确。</translation>
    </message>
    <message>
      <source>Train the whole model (with the automatic learning rate, all but the word-embedding table of a text model): the most accurate, and the slowest.</source>
      <translation>训练整个模型（使用自动学习率时，文本模型的词嵌入表除外）：最准确，也最慢。</translation>
    </message>
    <message>
      <source>Train only the top {n} encoder layer(s) and the classifier: faster and lighter, close to full accuracy on small datasets.</source>
      <translation>只训练最上面 {n} 个编码器层和分类器：更快、更省内存，在小数据集上接近全量微调的准确率。</translation>
    </message>
    <message>
      <source>Train only the classifier on top of frozen features: fastest, least memory, usually the least accurate.</source>
      <translation>只训练冻结特征之上的分类器：最快、内存占用最少，但通常准确率最低。</translation>
    </message>
    <message>
      <source>idle</source>
      <translation>空闲</translation>
    </message>
    <message>
      <source>preparing</source>
      <translation>准备中</translation>
    </message>
    <message>
      <source>running</source>
      <translation>运行中</translation>
    </message>
    <message>
      <source>stopping</source>
      <translation>正在停止</translation>
    </message>
    <message>
      <source>finished</source>
      <translation>已完成</translation>
    </message>
    <message>
      <source>stopped</source>
      <translation>已停止</translation>
    </message>
    <message>
      <source>failed</source>
      <translation>失败</translation>
    </message>
    <message>
      <source>interrupted</source>
      <translation>已中断</translation>
    </message>
    <message>
      <source>Data files</source>
      <translation>数据文件</translation>
    </message>
    <message>
      <source>{model} does not know {share:.0%} of this data's tokens (they become [UNK]): the text looks Chinese, Japanese or Korean, and the model's vocabulary is English. Choose a model that covers the language, such as {models}.</source>
      <extracomment>English templates of the engine's findings by code: the report's warnings (``engine.report.MESSAGES``) and the data issues it passes on (``engine.data.ISSUE_MESSAGES``). They are the translation sources; a test checks that each equals the engine's, so a changed engine sentence cannot keep a stale translation.</extracomment>
      <translation>{model} 不认识这份数据中 {share:.0%} 的词元（它们会变成 [UNK]）：文本看起来是中文、日文或韩文，而该模型的词表是英文的。请选择一个覆盖该语言的模型，例如 {models}。</translation>
    </message>
    <message>
      <source>{model} does not know {share:.0%} of this data's tokens (they become [UNK]): Choose a model that covers the language, such as {models}.</source>
      <translation>{model} 不认识这份数据中 {share:.0%} 的词元（它们会变成 [UNK]）：请选择一个覆盖该语言的模型，例如 {models}。</translation>
    </message>
    <message>
      <source>The classes are imbalanced: {big!r} has {n_big:,} examples, {small!r} only {n_small:,}. Accuracy can look good while the small class is missed: watch macro F1.</source>
      <translation>类别不平衡：{big!r} 有 {n_big:,} 个样本，{small!r} 只有 {n_small:,} 个。即使小类别被漏掉，准确率也可能看起来不错：请关注宏平均 F1。</translation>
    </message>
    <message>
      <source>{n} class(es) have fewer than {threshold} training examples ({names}): add examples, or expect them to be missed.</source>
      <translation>{n} 个类别的训练样本少于 {threshold} 个（{names}）：请补充样本，否则模型很可能识别不出它们。</translation>
    </message>
    <message>
      <source>{n:,} row(s) with an empty or blank text were skipped.</source>
      <translation>已跳过 {n:,} 行文本为空或只有空白的数据。</translation>
    </message>
    <message>
      <source>{n:,} row(s) without a label were skipped.</source>
      <translation>已跳过 {n:,} 行没有标签的数据。</translation>
    </message>
    <message>
      <source>{n:,} training row(s) repeat a text seen earlier.</source>
      <translation>有 {n:,} 行训练数据与前面的文本重复。</translation>
    </message>
    <message>
      <source>{n:,} text(s) appear with different labels: the model cannot get both right. Check those rows.</source>
      <translation>有 {n:,} 条文本带有不同的标签：模型不可能同时答对。请检查这些行。</translation>
    </message>
    <message>
      <source>{n:,} validation text(s) also appear in the training data: validation scores will look better than they are.</source>
      <translation>有 {n:,} 条验证文本也出现在训练数据中：验证分数会比实际情况好看。</translation>
    </message>
    <message>
      <source>The max length of {n} tokens cuts {share:.0%} of texts: raise it (slower) if their ends matter.</source>
      <translation>最大长度 {n} 个词元会截断 {share:.0%} 的文本：如果文本结尾很重要，请调大它（会更慢）。</translation>
    </message>
    <message>
      <source>Only {n} training rows: results will vary a lot from run to run.</source>
      <translation>只有 {n} 行训练数据：每次运行的结果可能差别很大。</translation>
    </message>
    <message>
      <source>Using column {text!r} as the text and {label!r} as the label.</source>
      <translation>使用列 {text!r} 作为文本，列 {label!r} 作为标签。</translation>
    </message>
    <message>
      <source>Skipped {n} unusable row(s) in the validation file.</source>
      <translation>已跳过验证文件中 {n} 行无法使用的数据。</translation>
    </message>
    <message>
      <source>{n} class(es) have a single training example ({names}): the model can hardly learn them.</source>
      <translation>{n} 个类别只有一个训练样本（{names}）：模型几乎学不会它们。</translation>
    </message>
    <message>
      <source>Copying the model</source>
      <translation>正在复制模型</translation>
    </message>
    <message>
      <source>Writing the label map and settings</source>
      <translation>正在写入标签映射和设置</translation>
    </message>
    <message>
      <source>Writing the model card</source>
      <translation>正在写入模型卡</translation>
    </message>
    <message>
      <source>Finishing</source>
      <translation>正在收尾</translation>
    </message>
    <message>
      <source>Writing the zip</source>
      <translation>正在写入 zip</translation>
    </message>
    <message>
      <source>CPU: {name} ({n} cores)</source>
      <translation>CPU：{name}（{n} 核）</translation>
    </message>
    <message>
      <source>GPU {i}: {name} ({gib:.0f} GiB)</source>
      <translation>GPU {i}：{name}（{gib:.0f} GiB）</translation>
    </message>
    <message>
      <source>Apple GPU (MPS)</source>
      <translation>Apple 图形处理器（MPS）</translation>
    </message>
  </context>
  <context>
    <name>ErrorAnalysis</name>
    <message>
      <source>Click a cell of the confusion matrix to read its texts.</source>
      <extracomment>Explainers by model folder, shared by every view of the window (loading one costs seconds); the most recently used ``MAX_EXPLAINERS`` are kept, each holding its model.</extracomment>
      <translation>点击混淆矩阵的单元格，查看其中的文本。</translation>
    </message>
    <message>
      <source>This run kept no validation predictions to list.</source>
      <translation>此次运行没有保存可列出的验证预测。</translation>
    </message>
    <message>
      <source>image</source>
      <translation>图像</translation>
    </message>
    <message>
      <source>text</source>
      <translation>文本</translation>
    </message>
    <message>
      <source>true label</source>
      <translation>真实标签</translation>
    </message>
    <message>
      <source>predicted</source>
      <translation>预测</translation>
    </message>
    <message>
      <source>confidence</source>
      <translation>置信度</translation>
    </message>
    <message>
      <source>{n} validation examples of {true!r} predicted correctly.</source>
      <translation>{true!r} 的 {n} 个验证样本预测正确。</translation>
    </message>
    <message>
      <source>{n} validation examples of {true!r} taken for {pred!r}.</source>
      <translation>{true!r} 的 {n} 个验证样本被误判为 {pred!r}。</translation>
    </message>
    <message>
      <source>Explaining…</source>
      <translation>正在解释…</translation>
    </message>
    <message>
      <source>Green words pushed the model toward {label!r}, red ones away from it.</source>
      <translation>绿色的词把模型推向 {label!r}，红色的词把它推离。</translation>
    </message>
    <message>
      <source>The text is longer than the model reads: only its start is explained.</source>
      <translation>文本超过模型能读取的长度：只解释了开头部分。</translation>
    </message>
    <message>
      <source>No explanation: {error}</source>
      <translation>无法解释：{error}</translation>
    </message>
    <message>
      <source>{path}: {true!r} predicted as {pred!r}</source>
      <translation>{path}：{true!r} 被预测为 {pred!r}</translation>
    </message>
  </context>
  <context>
    <name>ErrorBanner</name>
    <message>
      <source>Dismiss</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>The computer ran out of memory. Close other programs, or lower the batch size or the max length, and try again.</source>
      <translation>计算机内存不足。请关闭其他程序，或调小批大小或最大长度，然后重试。</translation>
    </message>
    <message>
      <source>Something unexpected went wrong ({detail}). The window is still usable; the details are in Strop's log file.</source>
      <translation>发生了意外错误（{detail}）。窗口仍可继续使用；详细信息见 Strop 的日志文件。</translation>
    </message>
    <message>
      <source>Out of memory:</source>
      <translation>内存不足：</translation>
    </message>
    <message>
      <source>Training stopped:</source>
      <translation>训练已停止：</translation>
    </message>
    <message>
      <source>Problem with the data:</source>
      <translation>数据有问题：</translation>
    </message>
    <message>
      <source>Problem with the model:</source>
      <translation>模型有问题：</translation>
    </message>
    <message>
      <source>A setting needs changing:</source>
      <translation>需要修改一项设置：</translation>
    </message>
    <message>
      <source>Problem with a checkpoint:</source>
      <translation>检查点有问题：</translation>
    </message>
    <message>
      <source>Problem with the run folder:</source>
      <translation>运行文件夹有问题：</translation>
    </message>
    <message>
      <source>Problem:</source>
      <translation>问题：</translation>
    </message>
  </context>
  <context>
    <name>ExplanationPanel</name>
    <message>
      <source>The words that made this prediction: green for the predicted class, red against it; hover a word for its weight.</source>
      <extracomment>True while an explanation is computed</extracomment>
      <translation>促成这次预测的词：绿色支持预测的类别，红色反对；把鼠标停在词上可看到它的权重。</translation>
    </message>
    <message>
      <source>Finding the words that matter…</source>
      <translation>正在找出起作用的词…</translation>
    </message>
    <message>
      <source>The text is longer than the model reads: only the highlighted part counts.</source>
      <translation>文本超出了模型能读取的长度：只有高亮的部分会被计入。</translation>
    </message>
    <message>
      <source>Green words speak for {label}, red ones against it.</source>
      <translation>绿色的词支持 {label}，红色的词反对它。</translation>
    </message>
    <message>
      <source>No explanation for this model: {why}</source>
      <translation>无法解释这个模型的预测：{why}</translation>
    </message>
  </context>
  <context>
    <name>ExportDialog</name>
    <message>
      <source>Export {run}</source>
      <translation>导出 {run}</translation>
    </message>
    <message>
      <source>A portable folder with the model in Hugging Face format, its label map, a model card (README.md) and a short predict.py. Anyone with Python and transformers can use it; Strop is not needed.</source>
      <translation>一个可移植的文件夹，包含 Hugging Face 格式的模型、标签映射、模型卡（README.md）和一个简短的 predict.py。任何装有 Python 和 transformers 的人都能使用，无需 Strop。</translation>
    </message>
    <message>
      <source>Choose…</source>
      <translation>选择…</translation>
    </message>
    <message>
      <source>Also make a .zip of the folder</source>
      <translation>同时将文件夹打包为 .zip</translation>
    </message>
    <message>
      <source>Add an ONNX copy, checked against PyTorch</source>
      <translation>附带一份 ONNX 副本（与 PyTorch 结果核对）</translation>
    </message>
    <message>
      <source>Needs {packages}: pip install "strop[onnx]"</source>
      <translation>需要 {packages}：pip install "strop[onnx]"</translation>
    </message>
    <message>
      <source>For ONNX Runtime (C#, Java, JavaScript, C++...). The export is kept only if ONNX Runtime reproduces PyTorch's probabilities. Takes a minute.</source>
      <translation>供 ONNX Runtime 使用（C#、Java、JavaScript、C++ 等）。只有当 ONNX Runtime 能复现 PyTorch 的概率时才保留导出结果。约需一分钟。</translation>
    </message>
    <message>
      <source>Save in:</source>
      <translation>保存位置：</translation>
    </message>
    <message>
      <source>Folder name:</source>
      <translation>文件夹名称：</translation>
    </message>
    <message>
      <source>Export</source>
      <translation>导出</translation>
    </message>
    <message>
      <source>Export into this folder</source>
      <translation>导出到此文件夹</translation>
    </message>
    <message>
      <source>Choose a folder to save in.</source>
      <translation>请选择保存位置。</translation>
    </message>
    <message>
      <source>Give the new folder a name (without slashes).</source>
      <translation>请为新文件夹命名（不要包含斜杠）。</translation>
    </message>
    <message>
      <source>{path} already exists; Strop never overwrites it.</source>
      <translation>{path} 已存在；Strop 不会覆盖它。</translation>
    </message>
    <message>
      <source>{path}.zip already exists; choose another name.</source>
      <translation>{path}.zip 已存在；请换一个名称。</translation>
    </message>
  </context>
  <context>
    <name>FilePrediction</name>
    <message>
      <source>A whole file</source>
      <translation>整个文件</translation>
    </message>
    <message>
      <source>Predict a file…</source>
      <translation>预测整个文件…</translation>
    </message>
    <message>
      <source>Classify every text of a data file and save a CSV with one probability column per class.</source>
      <translation>对数据文件中的每条文本进行分类，并保存为 CSV，每个类别各占一列概率。</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>%v / %m texts</source>
      <translation>%v / %m 条文本</translation>
    </message>
    <message>
      <source>Predict a folder or CSV of images…</source>
      <translation>预测一个图片文件夹或图片 CSV…</translation>
    </message>
    <message>
      <source>Classify every image of a folder, or of a CSV listing image paths: the result is a CSV with the predicted class and one probability column per class.</source>
      <translation>对一个文件夹中的每张图片，或 CSV 中列出路径的每张图片分类：结果是一个 CSV，包含预测的类别和每个类别一列概率。</translation>
    </message>
    <message>
      <source>Find the entities in every text of a data file: the result is a JSON Lines file, one line per text with its entities and their character offsets.</source>
      <translation>找出数据文件中每段文本的实体：结果是一个 JSON Lines 文件，每段文本一行，包含其实体及字符偏移。</translation>
    </message>
    <message>
      <source>Classify every text of a CSV, TSV, JSON or Parquet file: the result is a CSV with the predicted class and one probability column per class.</source>
      <translation>对 CSV、TSV、JSON 或 Parquet 文件中的每条文本进行分类：结果保存为 CSV，包含预测的类别，以及每个类别一列概率。</translation>
    </message>
    <message>
      <source>A folder of images to classify</source>
      <translation>要分类的图片文件夹</translation>
    </message>
    <message>
      <source>A CSV of image paths to classify</source>
      <translation>列出要分类图片路径的 CSV</translation>
    </message>
    <message>
      <source>CSV (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <source>Texts to classify</source>
      <translation>要分类的文本</translation>
    </message>
    <message>
      <source>JSON Lines (*.jsonl)</source>
      <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
    <message>
      <source>Save the predictions as</source>
      <translation>预测结果另存为</translation>
    </message>
    <message>
      <source>Classifying {file}…</source>
      <translation>正在分类 {file}…</translation>
    </message>
    <message>
      <source>Cancelled: {out} holds the first {n:,} predictions.</source>
      <translation>已取消：{out} 中保存了前 {n:,} 条预测结果。</translation>
    </message>
    <message>
      <source>Wrote {n:,} predictions to {out}</source>
      <translation>已将 {n:,} 条预测结果写入 {out}</translation>
    </message>
    <message>
      <source>The file could not be classified.</source>
      <translation>无法对该文件进行分类。</translation>
    </message>
  </context>
  <context>
    <name>Findings</name>
    <message>
      <source>{count:,} entities start with I- instead of B- (tags in {scheme}); they are read as the start of a new entity.</source>
      <translation>{count:,} 个实体以 I- 而不是 B- 开头（标注体系为 {scheme}）；它们被当作新实体的开始。</translation>
    </message>
    <message>
      <source>{count:,} times the type changes inside an entity (tags in {scheme}); the new type is read as a new entity.</source>
      <translation>实体内部类型变化 {count:,} 次（标注体系为 {scheme}）；新类型被当作新实体。</translation>
    </message>
    <message>
      <source>{count:,} sentences ({share:.1%}) are longer than {max_length} sub-words; they are split into overlapping windows, not cut.</source>
      <translation>{count:,} 个句子（{share:.1%}）超过 {max_length} 个子词；它们会被切成重叠的窗口，而不是截断。</translation>
    </message>
    <message>
      <source>Validation has entity types never seen in training: {types}. The model cannot learn them.</source>
      <translation>验证集中有训练集里从未出现的实体类型：{types}。模型无法学会它们。</translation>
    </message>
    <message>
      <source>Only {count} training examples of {type}: the model will rarely find it. Label more if you can.</source>
      <translation>{type} 只有 {count} 个训练样本：模型很少能找到它。如有可能，请多标注一些。</translation>
    </message>
    <message>
      <source>The training data has no entities at all: there is nothing to learn.</source>
      <translation>训练数据中完全没有实体：没有可学的内容。</translation>
    </message>
    <message>
      <source>{count:,} files cannot be used and are skipped (first: {first}).</source>
      <translation>{count:,} 个文件无法使用，已跳过（第一个：{first}）。</translation>
    </message>
    <message>
      <source>{count:,} of {sampled:,} images looked at cannot be decoded (first: {first}).</source>
      <translation>在检查的 {sampled:,} 张图片中，有 {count:,} 张无法解码（第一张：{first}）。</translation>
    </message>
    <message>
      <source>{count:,} images in {split} have the same bytes as another one (first: {first}).</source>
      <translation>{split}中有 {count:,} 张图片与另一张字节完全相同（第一张：{first}）。</translation>
    </message>
    <message>
      <source>{count:,} images are in both training and validation (first: {first}): the score will look better than it is.</source>
      <translation>{count:,} 张图片同时出现在训练集和验证集中（第一张：{first}）：得分会显得比实际更好。</translation>
    </message>
    <message>
      <source>{count:,} of {sampled:,} images looked at are under {min_side} pixels on a side (first: {first}).</source>
      <translation>在检查的 {sampled:,} 张图片中，有 {count:,} 张的边长不足 {min_side} 像素（第一张：{first}）。</translation>
    </message>
    <message>
      <source>{count:,} of {sampled:,} images looked at are more than {ratio}× wider than tall or taller than wide (first: {first}); the centre crop loses much of them.</source>
      <translation>在检查的 {sampled:,} 张图片中，有 {count:,} 张的宽高比超过 {ratio} 倍（第一张：{first}）；中心裁剪会丢掉其中很大一部分。</translation>
    </message>
    <message>
      <source>training</source>
      <translation>训练</translation>
    </message>
    <message>
      <source>validation</source>
      <translation>验证</translation>
    </message>
  </context>
  <context>
    <name>FirstRunHint</name>
    <message>
      <source>Open your data (a sample is already open)</source>
      <translation>打开数据（已打开一份示例数据）</translation>
    </message>
    <message>
      <source>Check the model</source>
      <translation>检查模型</translation>
    </message>
    <message>
      <source>Train: press Start training</source>
      <translation>训练：点击“开始训练”</translation>
    </message>
    <message>
      <source>Try sentences</source>
      <translation>试试句子</translation>
    </message>
    <message>
      <source>Try photos</source>
      <translation>试试照片</translation>
    </message>
    <message>
      <source>Four steps:</source>
      <translation>四个步骤：</translation>
    </message>
    <message>
      <source>Got it</source>
      <extracomment>The main window remembers the last dataset under this key; without it, this is a first run.</extracomment>
      <translation>知道了</translation>
    </message>
    <message>
      <source>Hide this hint for good.</source>
      <translation>不再显示此提示。</translation>
    </message>
  </context>
  <context>
    <name>ImageDropArea</name>
    <message>
      <source>Images</source>
      <translation>图片</translation>
    </message>
    <message>
      <source>Drop an image here, or click to choose one.</source>
      <translation>把图片拖到这里，或点击选择一张。</translation>
    </message>
    <message>
      <source>This file cannot be shown as an image.</source>
      <translation>这个文件无法显示为图片。</translation>
    </message>
    <message>
      <source>Choose an image</source>
      <translation>选择一张图片</translation>
    </message>
  </context>
  <context>
    <name>ImageGrid</name>
    <message>
      <source>Class:</source>
      <extracomment>What the grid shows (the formats the image task reads).</extracomment>
      <translation>类别：</translation>
    </message>
    <message>
      <source>{name} ({n:,})</source>
      <translation>{name}（{n:,}）</translation>
    </message>
    <message>
      <source>{n:,} images in {k} classes</source>
      <translation>{k} 个类别共 {n:,} 张图片</translation>
    </message>
  </context>
  <context>
    <name>LanguageMismatchDialog</name>
    <message>
      <source>This model may not read your data</source>
      <translation>此模型可能读不懂您的数据</translation>
    </message>
    <message>
      <source>character</source>
      <translation>字</translation>
    </message>
    <message>
      <source>word</source>
      <translation>词</translation>
    </message>
    <message>
      <source>The model's byte-level vocabulary splits each {unit} of your data into {pieces:.1f} pieces: it has seen little '{language}' text.</source>
      <translation>此模型的字节级词表把您数据中的每个{unit}切成 {pieces:.1f} 段：它几乎没见过“{language}”文本。</translation>
    </message>
    <message>
      <source>{share:.0%} of the tokens of your data are unknown to this model's vocabulary ([UNK]): it would learn from too little of the text. Your data is in '{language}'.</source>
      <translation>您数据中 {share:.0%} 的词元不在此模型的词表中（[UNK]）：它只能从很少的文本中学习。您的数据语言为“{language}”。</translation>
    </message>
    <message>
      <source>Train anyway</source>
      <translation>仍然训练</translation>
    </message>
    <message>
      <source>Choose another model</source>
      <translation>选择其他模型</translation>
    </message>
    <message>
      <source>Import model…</source>
      <translation>导入模型…</translation>
    </message>
    <message>
      <source>The simple baseline's score on this data is still being computed…</source>
      <translation>简单基线在此数据上的得分仍在计算中…</translation>
    </message>
    <message>
      <source>For comparison, a simple baseline (TF-IDF + logistic regression) reaches accuracy {acc:.1%} and macro F1 {f1:.3f} on this data in {s:.1f} s.</source>
      <translation>作为对比，简单基线（TF-IDF + 逻辑回归）在此数据上 {s:.1f} 秒内达到准确率 {acc:.1%}、宏 F1 {f1:.3f}。</translation>
    </message>
    <message>
      <source>The catalogue has no model for this language; import one you have.</source>
      <translation>模型目录中没有适合该语言的模型；请导入您已有的模型。</translation>
    </message>
    <message>
      <source>on this computer</source>
      <translation>本机已有</translation>
    </message>
    <message>
      <source>{mb:,} MB download</source>
      <translation>需下载 {mb:,} MB</translation>
    </message>
    <message>
      <source>{m:.0f} M parameters</source>
      <translation>{m:.0f} M 参数</translation>
    </message>
    <message>
      <source>Models that read this language:</source>
      <translation>能读懂该语言的模型：</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>Fine-tune a pre-trained model on your own labelled texts, named entities or photos, on your own computer, offline.</source>
      <extracomment>At start-up the plots and heavy imports wait at most this long for the data file's quick check (which usually answers in milliseconds), so that its findings are shown first. The gap between two steps of the start-up's work on the window's thread (``_in_turns``).</extracomment>
      <translation>在您自己的电脑上离线微调预训练模型，用您自己标注的文本、命名实体或照片。</translation>
    </message>
    <message>
      <source>&lt;b&gt;Built with&lt;/b&gt; PySide6 (Qt for Python, LGPL-3.0), pyqtgraph (MIT), PyTorch (BSD-3-Clause), Hugging Face transformers, datasets, accelerate and safetensors (Apache-2.0), scikit-learn (BSD-3-Clause) and platformdirs (MIT).</source>
      <translation>&lt;b&gt;基于以下软件构建：&lt;/b&gt;PySide6（Qt for Python，LGPL-3.0）、pyqtgraph（MIT）、PyTorch（BSD-3-Clause）、Hugging Face transformers、datasets、accelerate 和 safetensors（Apache-2.0）、scikit-learn（BSD-3-Clause）以及 platformdirs（MIT）。</translation>
    </message>
    <message>
      <source>&lt;b&gt;Bundled data&lt;/b&gt;&lt;br&gt;Starter model: all-MiniLM-L6-v2 (sentence-transformers), Apache-2.0.&lt;br&gt;Sample data: UCI Sentiment Labelled Sentences, CC BY 4.0: D. Kotzias, M. Denil, N. de Freitas, P. Smyth, &lt;i&gt;From Group to Individual Labels using Deep Features&lt;/i&gt;, KDD 2015.</source>
      <translation>&lt;b&gt;随附数据&lt;/b&gt;&lt;br&gt;入门模型：all-MiniLM-L6-v2（sentence-transformers），Apache-2.0。&lt;br&gt;示例数据：UCI Sentiment Labelled Sentences，CC BY 4.0：D. Kotzias, M. Denil, N. de Freitas, P. Smyth, &lt;i&gt;From Group to Individual Labels using Deep Features&lt;/i&gt;, KDD 2015。</translation>
    </message>
    <message>
      <source>Dataset</source>
      <translation>数据集</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <source>Training</source>
      <translation>训练</translation>
    </message>
    <message>
      <source>Prediction</source>
      <translation>预测</translation>
    </message>
    <message>
      <source>Runs</source>
      <translation>运行记录</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <source>&amp;Open dataset…</source>
      <translation>打开数据集(&amp;O)…</translation>
    </message>
    <message>
      <source>Open &amp;run…</source>
      <translation>打开运行(&amp;R)…</translation>
    </message>
    <message>
      <source>Recent datasets</source>
      <translation>最近的数据集</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <source>&amp;Settings…</source>
      <translation>设置(&amp;S)…</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>&amp;About Strop</source>
      <translation>关于 Strop(&amp;A)</translation>
    </message>
    <message>
      <source>Open &amp;log file</source>
      <translation>打开日志文件(&amp;L)</translation>
    </message>
    <message>
      <source>Open &amp;data folder</source>
      <translation>打开数据文件夹(&amp;D)</translation>
    </message>
    <message>
      <source>Where Strop keeps its runs and models.</source>
      <translation>Strop 保存运行记录和模型的位置。</translation>
    </message>
    <message>
      <source>No data</source>
      <translation>没有数据</translation>
    </message>
    <message>
      <source>Model: starter</source>
      <translation>模型：入门模型</translation>
    </message>
    <message>
      <source>Device: looking…</source>
      <translation>设备：检测中…</translation>
    </message>
    <message>
      <source>Opening {name}…</source>
      <translation>正在打开 {name}…</translation>
    </message>
    <message>
      <source>Data: {name} ({rows})</source>
      <translation>数据：{name}（{rows}）</translation>
    </message>
    <message>
      <source>Could not open {name}</source>
      <translation>无法打开 {name}</translation>
    </message>
    <message>
      <source>Model: {name}</source>
      <translation>模型：{name}</translation>
    </message>
    <message>
      <source>Device: {label}</source>
      <translation>设备：{label}</translation>
    </message>
    <message>
      <source>No report: see the message above.</source>
      <translation>没有报告：请查看上方的消息。</translation>
    </message>
    <message>
      <source>A run is training now; Strop trains one run at a time.</source>
      <translation>当前有一个运行正在训练；Strop 一次只训练一个运行。</translation>
    </message>
    <message>
      <source>Stop it, or wait for it to end, then resume.</source>
      <translation>请先停止它或等待它结束，然后再继续。</translation>
    </message>
    <message>
      <source>Open a run folder</source>
      <translation>打开运行文件夹</translation>
    </message>
    <message>
      <source>The new language applies the next time Strop starts.</source>
      <translation>新的语言将在下次启动 Strop 时生效。</translation>
    </message>
    <message>
      <source>About Strop</source>
      <translation>关于 Strop</translation>
    </message>
    <message>
      <source>Still stopping the run; the window closes when it has.</source>
      <translation>仍在停止运行；停止后窗口会自动关闭。</translation>
    </message>
    <message>
      <source>Training is running</source>
      <translation>正在训练</translation>
    </message>
    <message>
      <source>A training run is in progress. Stop it and quit? It finishes the current step and keeps a checkpoint, so you can resume it later.</source>
      <translation>训练正在进行。要停止并退出吗？它会完成当前步并保存检查点，之后可以继续训练。</translation>
    </message>
    <message>
      <source>Stopping the run (saving a checkpoint), then closing…</source>
      <translation>正在停止运行（保存检查点），然后关闭…</translation>
    </message>
  </context>
  <context>
    <name>ModelPicker</name>
    <message>
      <source>{name} ({state}, accuracy {a:.1%})</source>
      <translation>{name}（{state}，准确率 {a:.1%}）</translation>
    </message>
    <message>
      <source>{name} ({state})</source>
      <translation>{name}（{state}）</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <source>No trained model yet</source>
      <translation>还没有训练好的模型</translation>
    </message>
    <message>
      <source>Other model folder…</source>
      <translation>其他模型文件夹…</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <source>Choose a trained model or run folder</source>
      <translation>选择训练好的模型或运行文件夹</translation>
    </message>
    <message>
      <source>Train a model in the Training tab, or choose a model folder.</source>
      <translation>请在“训练”标签页中训练一个模型，或选择一个模型文件夹。</translation>
    </message>
    <message>
      <source>{n} entity types ({types}); fine-tuned from {base}.</source>
      <translation>{n} 种实体类型（{types}）；基于 {base} 微调。</translation>
    </message>
    <message>
      <source>{n} classes ({labels}); fine-tuned from {base}.</source>
      <translation>{n} 个类别（{labels}）；基于 {base} 微调。</translation>
    </message>
    <message>
      <source>Validation accuracy {a:.1%}.</source>
      <translation>验证准确率 {a:.1%}。</translation>
    </message>
  </context>
  <context>
    <name>ModelTab</name>
    <message>
      <source>Cannot download '{repo}': this computer cannot reach huggingface.co (offline).</source>
      <translation>无法下载“{repo}”：这台计算机无法访问 huggingface.co（离线）。</translation>
    </message>
    <message>
      <source>Connect to the internet and try again, or choose a model folder on this computer.</source>
      <translation>请连接互联网后重试，或选择这台计算机上的模型文件夹。</translation>
    </message>
    <message>
      <source>Automatic</source>
      <translation>自动</translation>
    </message>
    <message>
      <source>Starter model: all-MiniLM-L6-v2 (English, small, fast)</source>
      <translation>入门模型：all-MiniLM-L6-v2（英文，小巧，快速）</translation>
    </message>
    <message>
      <source>A model folder on this computer</source>
      <translation>这台计算机上的模型文件夹</translation>
    </message>
    <message>
      <source>A model in the Hugging Face cache</source>
      <translation>Hugging Face 缓存中的模型</translation>
    </message>
    <message>
      <source>Download from the Hugging Face hub</source>
      <translation>从 Hugging Face Hub 下载</translation>
    </message>
    <message>
      <source>all-MiniLM-L6-v2 comes with Strop: 6 layers, 22.7 million parameters, an English vocabulary. A good first choice for English text; it trains in minutes on a CPU.</source>
      <translation>all-MiniLM-L6-v2 随 Strop 一起提供：6 层，2270 万参数，英文词表。处理英文文本的首选；在 CPU 上几分钟即可训练完成。</translation>
    </message>
    <message>
      <source>A folder with config.json, weights and a tokenizer</source>
      <translation>包含 config.json、权重和分词器的文件夹</translation>
    </message>
    <message>
      <source>Choose folder…</source>
      <translation>选择文件夹…</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <source>for example distilbert-base-uncased or org/name</source>
      <translation>例如 distilbert-base-uncased 或 org/name</translation>
    </message>
    <message>
      <source>Download</source>
      <translation>下载</translation>
    </message>
    <message>
      <source>%v / %m MB</source>
      <translation>%v / %m MB</translation>
    </message>
    <message>
      <source>Strop works offline. It goes online only when you press Download, and fetches only safetensors weights, the config and the tokenizer.</source>
      <translation>Strop 离线工作。只有在你点击“下载”时才会联网，并且只获取 safetensors 权重、配置文件和分词器。</translation>
    </message>
    <message>
      <source>Start from</source>
      <translation>起点模型</translation>
    </message>
    <message>
      <source>The model</source>
      <translation>模型信息</translation>
    </message>
    <message>
      <source>Name:</source>
      <translation>名称：</translation>
    </message>
    <message>
      <source>Architecture:</source>
      <translation>架构：</translation>
    </message>
    <message>
      <source>Parameters:</source>
      <translation>参数量：</translation>
    </message>
    <message>
      <source>Layers:</source>
      <translation>层数：</translation>
    </message>
    <message>
      <source>Max length:</source>
      <translation>最大长度：</translation>
    </message>
    <message>
      <source>Vocabulary:</source>
      <translation>词表：</translation>
    </message>
    <message>
      <source>Device:</source>
      <translation>设备：</translation>
    </message>
    <message>
      <source>Your data:</source>
      <translation>您的数据：</translation>
    </message>
    <message>
      <source>Full fine-tuning</source>
      <translation>全量微调</translation>
    </message>
    <message>
      <source>Top layers only</source>
      <translation>仅训练顶部若干层</translation>
    </message>
    <message>
      <source>Classifier head only</source>
      <translation>仅训练分类头</translation>
    </message>
    <message>
      <source>top </source>
      <translation>顶部 </translation>
    </message>
    <message>
      <source> layer(s)</source>
      <translation> 层</translation>
    </message>
    <message>
      <source>How much of the model to train</source>
      <translation>训练模型的哪些部分</translation>
    </message>
    <message>
      <source>Allow the model's own Python code (trust_remote_code)</source>
      <translation>允许运行模型自带的 Python 代码（trust_remote_code）</translation>
    </message>
    <message>
      <source>Allow pickled weights (pytorch_model.bin)</source>
      <translation>允许 pickle 格式的权重（pytorch_model.bin）</translation>
    </message>
    <message>
      <source>Both are off by default. Code shipped inside a model folder, and pickled weight files, can do anything your user account can: allow them only for models whose author you trust. Pickled weights are then loaded with torch.load(weights_only=True).</source>
      <translation>这两项默认关闭。模型文件夹中附带的代码和 pickle 权重文件可以执行你的用户账户能做的任何操作：只对你信任其作者的模型开启。开启后，pickle 权重会通过 torch.load(weights_only=True) 加载。</translation>
    </message>
    <message>
      <source>Safety</source>
      <translation>安全</translation>
    </message>
    <message>
      <source>Compare on my data</source>
      <translation>在我的数据上比较</translation>
    </message>
    <message>
      <source>Catalogue</source>
      <translation>模型目录</translation>
    </message>
    <message>
      <source>Import model</source>
      <translation>导入模型</translation>
    </message>
    <message>
      <source>Import a model folder…</source>
      <translation>导入模型文件夹…</translation>
    </message>
    <message>
      <source>Import a model .zip…</source>
      <translation>导入模型 .zip…</translation>
    </message>
    <message>
      <source>Choose a model folder</source>
      <translation>选择模型文件夹</translation>
    </message>
    <message>
      <source>No models in the Hugging Face cache</source>
      <translation>Hugging Face 缓存中没有模型</translation>
    </message>
    <message>
      <source>Starter model: EfficientNet-Lite0 (photos, small, fast)</source>
      <translation>入门模型：EfficientNet-Lite0（照片，小巧、快速）</translation>
    </message>
    <message>
      <source>EfficientNet-Lite0 comes with Strop: 4.7 million parameters, pre-trained on ImageNet's photos. A good first choice for sorting photos; its default run trains in minutes on a CPU.</source>
      <translation>EfficientNet-Lite0 随 Strop 一起提供：470 万个参数，在 ImageNet 的照片上预训练。给照片分类的首选；默认训练在 CPU 上几分钟即可完成。</translation>
    </message>
    <message>
      <source>Reading the model…</source>
      <translation>正在读取模型…</translation>
    </message>
    <message>
      <source>This model cannot be used: see the message above.</source>
      <translation>无法使用此模型：请查看上方的消息。</translation>
    </message>
    <message>
      <source>Ready.</source>
      <translation>就绪。</translation>
    </message>
    <message>
      <source>{m:.1f} million</source>
      <translation>{m:.1f} 百万</translation>
    </message>
    <message>
      <source>{n} tokens</source>
      <translation>{n} 个词元</translation>
    </message>
    <message>
      <source>{n:,} tokens</source>
      <translation>{n:,} 个词元</translation>
    </message>
    <message>
      <source>Type a model id to download, such as org/name.</source>
      <translation>请输入要下载的模型 ID，例如 org/name。</translation>
    </message>
    <message>
      <source> stage(s)</source>
      <translation> 个阶段</translation>
    </message>
    <message>
      <source>Checking how this model reads your data…</source>
      <translation>正在检查此模型能否读懂您的数据…</translation>
    </message>
    <message>
      <source>does not fit: {share:.0%} unknown tokens for '{language}' text.</source>
      <translation>不适合：“{language}”文本中 {share:.0%} 的词元未知。</translation>
    </message>
    <message>
      <source>does not fit: read as bytes, not words ('{language}').</source>
      <translation>不适合：按字节而非词读取（“{language}”）。</translation>
    </message>
    <message>
      <source>'{language}' text, {share:.1%} unknown tokens: fits.</source>
      <translation>“{language}”文本，{share:.1%} 的词元未知：适合。</translation>
    </message>
    <message>
      <source>Import a model folder</source>
      <translation>导入模型文件夹</translation>
    </message>
    <message>
      <source>Import a model .zip</source>
      <translation>导入模型 .zip</translation>
    </message>
    <message>
      <source>Zip archives (*.zip)</source>
      <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
      <source>Importing {path}…</source>
      <translation>正在导入 {path}…</translation>
    </message>
    <message>
      <source>Importing: {done:,.0f} of {total:,.0f} MB</source>
      <translation>正在导入：{done:,.0f} / {total:,.0f} MB</translation>
    </message>
    <message>
      <source>Nothing was imported: see the message above.</source>
      <translation>未导入任何内容：请看上方的消息。</translation>
    </message>
  </context>
  <context>
    <name>PredictionInput</name>
    <message>
      <source>Type or paste a text to classify…</source>
      <translation>输入或粘贴要分类的文本…</translation>
    </message>
    <message>
      <source>Predict (Ctrl+Enter)</source>
      <translation>预测 (Ctrl+Enter)</translation>
    </message>
    <message>
      <source>Predict as I type</source>
      <translation>边输入边预测</translation>
    </message>
    <message>
      <source>off</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>Below this confidence the prediction is shown as uncertain: a text to check by hand rather than trust.</source>
      <translation>置信度低于此值时，预测显示为“不确定”：这类文本应人工核对，而不是直接采信。</translation>
    </message>
    <message>
      <source>Uncertain below:</source>
      <translation>低于此值为不确定：</translation>
    </message>
    <message>
      <source>Type or paste a text to find its entities…</source>
      <translation>输入或粘贴一段文本以找出其中的实体…</translation>
    </message>
  </context>
  <context>
    <name>PredictionResult</name>
    <message>
      <source>The predicted class appears here.</source>
      <translation>预测的类别会显示在这里。</translation>
    </message>
    <message>
      <source>The entities found, with their type and confidence.</source>
      <translation>找到的实体，附带类型和置信度。</translation>
    </message>
    <message>
      <source>The entities appear here.</source>
      <translation>实体会显示在这里。</translation>
    </message>
    <message>
      <source>uncertain (best guess {label} · {p:.1%})</source>
      <translation>不确定（最可能是 {label} · {p:.1%}）</translation>
    </message>
    <message>
      <source>No prediction: {why}</source>
      <translation>没有预测：{why}</translation>
    </message>
    <message>
      <source>{n} entities: {types}</source>
      <translation>{n} 个实体：{types}</translation>
    </message>
    <message>
      <source>No entities found.</source>
      <translation>没有找到实体。</translation>
    </message>
  </context>
  <context>
    <name>PredictionTab</name>
    <message>
      <source>Try a text</source>
      <extracomment>whether a run is training (the window sets it): no ONNX export beside a run</extracomment>
      <translation>试一段文本</translation>
    </message>
    <message>
      <source>Try an image</source>
      <translation>试一张图片</translation>
    </message>
    <message>
      <source>Find the entities in a text</source>
      <translation>找出文本中的实体</translation>
    </message>
    <message>
      <source>No trained model to predict with yet.</source>
      <translation>还没有可用于预测的训练好的模型。</translation>
    </message>
    <message>
      <source>Train one in the Training tab, or choose a model folder.</source>
      <translation>请在“训练”标签页中训练一个，或选择一个模型文件夹。</translation>
    </message>
    <message>
      <source>Loading the model…</source>
      <translation>正在加载模型…</translation>
    </message>
    <message>
      <source>No prediction: see the message above.</source>
      <translation>没有预测结果：请查看上方的消息。</translation>
    </message>
    <message>
      <source>A prediction is running.</source>
      <translation>正在进行预测。</translation>
    </message>
    <message>
      <source>Try again in a moment.</source>
      <translation>请稍后再试。</translation>
    </message>
  </context>
  <context>
    <name>ResultsView</name>
    <message>
      <source>Confusion matrix (rows: true class, columns: predicted)</source>
      <translation>混淆矩阵（行：真实类别，列：预测类别）</translation>
    </message>
    <message>
      <source>Confusion matrix (rows: true, columns: predicted)</source>
      <translation>混淆矩阵（行：真实类别，列：预测类别）</translation>
    </message>
    <message>
      <source>Per class</source>
      <translation>各类别指标</translation>
    </message>
    <message>
      <source>Accuracy &lt;b&gt;{a:.1%}&lt;/b&gt;</source>
      <translation>准确率 &lt;b&gt;{a:.1%}&lt;/b&gt;</translation>
    </message>
    <message>
      <source>macro F1 &lt;b&gt;{f:.3f}&lt;/b&gt;</source>
      <translation>宏平均 F1 &lt;b&gt;{f:.3f}&lt;/b&gt;</translation>
    </message>
    <message>
      <source>Examples in the cell</source>
      <translation>单元格中的样本</translation>
    </message>
    <message>
      <source>Suspect labels</source>
      <translation>可疑标签</translation>
    </message>
    <message>
      <source>Entity types (rows: true, columns: predicted; missed and spurious)</source>
      <translation>实体类型（行：真实，列：预测；含漏检和误检）</translation>
    </message>
    <message>
      <source>Per entity type</source>
      <translation>按实体类型</translation>
    </message>
    <message>
      <source>Entity F1 &lt;b&gt;{f:.3f}&lt;/b&gt; (micro)</source>
      <translation>实体 F1 &lt;b&gt;{f:.3f}&lt;/b&gt;（微平均）</translation>
    </message>
    <message>
      <source>precision {p:.3f} · recall {r:.3f}</source>
      <translation>精确率 {p:.3f} · 召回率 {r:.3f}</translation>
    </message>
    <message>
      <source>on {n:,} validation sentences</source>
      <translation>基于 {n:,} 个验证句子</translation>
    </message>
    <message>
      <source>on {n:,} validation texts</source>
      <translation>基于 {n:,} 条验证文本</translation>
    </message>
    <message>
      <source>trained in {t}</source>
      <translation>训练用时 {t}</translation>
    </message>
    <message>
      <source>best: {name}</source>
      <translation>最佳：{name}</translation>
    </message>
    <message>
      <source>type</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>{s:.1f} s</source>
      <translation>{s:.1f} 秒</translation>
    </message>
    <message>
      <source>Fine-tuned &lt;b&gt;{ours:.1%}&lt;/b&gt; vs baseline {theirs:.1%} (TF-IDF + logistic regression, fitted in {time})</source>
      <translation>微调 &lt;b&gt;{ours:.1%}&lt;/b&gt;，基线 {theirs:.1%}（TF-IDF + 逻辑回归，拟合用时 {time}）</translation>
    </message>
    <message>
      <source>Fine-tuning did not beat the baseline: &lt;b&gt;{ours:.1%}&lt;/b&gt; vs {theirs:.1%} for TF-IDF + logistic regression (fitted in {time})</source>
      <translation>微调没有超过基线：&lt;b&gt;{ours:.1%}&lt;/b&gt;，TF-IDF + 逻辑回归为 {theirs:.1%}（拟合用时 {time}）</translation>
    </message>
    <message>
      <source>macro F1 {ours:.3f} vs {theirs:.3f}</source>
      <translation>宏平均 F1 {ours:.3f} 对 {theirs:.3f}</translation>
    </message>
    <message>
      <source>Calibration: expected calibration error {before:.3f} before, {after:.3f} after temperature scaling (T = {t:.2f})</source>
      <translation>校准：温度缩放前的期望校准误差为 {before:.3f}，缩放后为 {after:.3f}（T = {t:.2f}）</translation>
    </message>
    <message>
      <source>Click a cell to read its texts.</source>
      <translation>点击单元格查看其中的文本。</translation>
    </message>
    <message>
      <source>missed</source>
      <translation>漏检</translation>
    </message>
    <message>
      <source>spurious</source>
      <translation>误检</translation>
    </message>
    <message>
      <source>{count} entities of type {true} found as {pred}</source>
      <translation>{count} 个 {true} 类型的实体被识别为 {pred}</translation>
    </message>
    <message>
      <source>{count} texts of class {true} predicted as {pred} ({share:.0%} of the class)</source>
      <translation>类别 {true} 中有 {count} 条文本被预测为 {pred}（占该类别的 {share:.0%}）</translation>
    </message>
    <message>
      <source>class</source>
      <translation>类别</translation>
    </message>
    <message>
      <source>precision</source>
      <translation>精确率</translation>
    </message>
    <message>
      <source>recall</source>
      <translation>召回率</translation>
    </message>
    <message>
      <source>F1</source>
      <translation>F1</translation>
    </message>
    <message>
      <source>support</source>
      <translation>样本数</translation>
    </message>
  </context>
  <context>
    <name>ResumeBanner</name>
    <message>
      <source>Resume</source>
      <translation>继续训练</translation>
    </message>
    <message>
      <source>Dismiss</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>The run of {when} on {data} was interrupted at step {step} (the app or the computer stopped). Resume it from its last checkpoint?</source>
      <translation>{when} 在 {data} 上的运行在第 {step} 步时中断（应用或计算机停止运行）。要从最后一个检查点继续吗？</translation>
    </message>
  </context>
  <context>
    <name>RunControls</name>
    <message>
      <source>Start training</source>
      <extracomment>True while Start waits for the data file to load (Stop then cancels it)</extracomment>
      <translation>开始训练</translation>
    </message>
    <message>
      <source>Stop</source>
      <translation>停止</translation>
    </message>
    <message>
      <source>Finish the current step, save a checkpoint and the model so far, and stop.</source>
      <translation>完成当前步，保存检查点和当前模型，然后停止。</translation>
    </message>
    <message>
      <source>Resume</source>
      <translation>继续训练</translation>
    </message>
    <message>
      <source>Continue the stopped or interrupted run from its last checkpoint.</source>
      <translation>从最后一个检查点继续已停止或中断的运行。</translation>
    </message>
    <message>
      <source>Export run config…</source>
      <translation>导出运行配置…</translation>
    </message>
    <message>
      <source>Save these settings as a JSON file that runs unchanged from the command line.</source>
      <translation>将这些设置保存为 JSON 文件，可直接在命令行中原样运行。</translation>
    </message>
    <message>
      <source>Open run folder</source>
      <translation>打开运行文件夹</translation>
    </message>
    <message>
      <source>Stopping…</source>
      <translation>正在停止…</translation>
    </message>
  </context>
  <context>
    <name>RunCurves</name>
    <message>
      <source>Validation scores (higher is better)</source>
      <translation>验证指标（越高越好）</translation>
    </message>
  </context>
  <context>
    <name>RunEstimate</name>
    <message>
      <source>Running on battery</source>
      <translation>正在使用电池供电</translation>
    </message>
    <message>
      <source>Train on battery</source>
      <translation>仍用电池训练</translation>
    </message>
    <message>
      <source>{n} s</source>
      <translation>{n} 秒</translation>
    </message>
    <message>
      <source>{n} min</source>
      <translation>{n} 分钟</translation>
    </message>
    <message>
      <source>{h} h {m} min</source>
      <translation>{h} 小时 {m} 分钟</translation>
    </message>
    <message>
      <source>training {t}</source>
      <translation>训练 {t}</translation>
    </message>
    <message>
      <source>evaluation {t}</source>
      <translation>评估 {t}</translation>
    </message>
    <message>
      <source>checkpoints {t}</source>
      <translation>检查点 {t}</translation>
    </message>
    <message>
      <source>start-up {t}</source>
      <translation>启动 {t}</translation>
    </message>
    <message>
      <source>, </source>
      <translation>，</translation>
    </message>
    <message>
      <source>About {total} on this computer ({parts})</source>
      <translation>在这台电脑上约需 {total}（{parts}）</translation>
    </message>
    <message>
      <source>About {left} left on this computer (about {total} in all)</source>
      <translation>在这台电脑上约剩 {left}（共约 {total}）</translation>
    </message>
    <message>
      <source>This run took {t}.</source>
      <translation>本次运行用时 {t}。</translation>
    </message>
    <message>
      <source>This run took {t} (estimated {e}).</source>
      <translation>本次运行用时 {t}（预估 {e}）。</translation>
    </message>
    <message>
      <source>The computer is kept awake while this run trains.</source>
      <translation>训练期间，电脑将保持唤醒，不会休眠。</translation>
    </message>
    <message>
      <source>Sleep is held off by {method} ({detail}) until the run ends.</source>
      <translation>由 {method}（{detail}）阻止休眠，直到运行结束。</translation>
    </message>
    <message>
      <source>The computer may go to sleep during this run: {why}.</source>
      <translation>运行期间电脑可能会休眠：{why}。</translation>
    </message>
    <message>
      <source>Strop could not keep it awake. Set the power settings not to sleep while it trains; a run paused by sleep continues when the computer wakes.</source>
      <translation>Strop 无法阻止电脑休眠。请在电源设置中设为训练期间不休眠；因休眠而暂停的运行会在电脑唤醒后继续。</translation>
    </message>
    <message>
      <source>This computer is running on battery, and how long this run takes is not measured yet. A long run drains the battery and trains more slowly. Train anyway?</source>
      <translation>这台电脑正在使用电池供电，而本次运行所需时间尚未测出。长时间运行会耗尽电池，训练也会更慢。仍要训练吗？</translation>
    </message>
    <message>
      <source>This computer is running on battery and the run takes about {t}. It drains the battery and trains more slowly than on mains power. Train anyway?</source>
      <translation>这台电脑正在使用电池供电，本次运行约需 {t}。这会耗尽电池，训练也比接通电源时更慢。仍要训练吗？</translation>
    </message>
    <message>
      <source>This computer is running on battery. The last run measured, with other settings, takes about {t}; these settings are not measured yet. A long run drains the battery and trains more slowly. Train anyway?</source>
      <translation>这台电脑正在使用电池供电。上次测量的运行（设置不同）约需 {t}；当前设置尚未测出。长时间运行会耗尽电池，训练也会更慢。仍要训练吗？</translation>
    </message>
  </context>
  <context>
    <name>RunStatus</name>
    <message>
      <source>Ready. Open a data file, then press Start training.</source>
      <translation>就绪。请打开数据文件，然后点击“开始训练”。</translation>
    </message>
    <message>
      <source>%v / %m steps</source>
      <translation>%v / %m 步</translation>
    </message>
    <message>
      <source>Ready. Press Start training.</source>
      <translation>就绪。请点击“开始训练”。</translation>
    </message>
    <message>
      <source>Measured by timing a few training steps of this model on this data.</source>
      <translation>通过在这份数据上对该模型计时几个训练步测得。</translation>
    </message>
    <message>
      <source>Measuring how long this run takes on this computer…</source>
      <translation>正在测量本次运行在这台电脑上所需的时间…</translation>
    </message>
    <message>
      <source>Could not measure how long this run takes.</source>
      <translation>无法测量本次运行所需的时间。</translation>
    </message>
    <message>
      <source>Preparing…</source>
      <translation>准备中…</translation>
    </message>
    <message>
      <source>Run {name}: {state}.</source>
      <translation>运行 {name}：{state}。</translation>
    </message>
    <message>
      <source>Press Resume to continue from step {step}.</source>
      <translation>点击“继续训练”从第 {step} 步继续。</translation>
    </message>
    <message>
      <source>epoch {epoch:.2f} · loss {loss:.4f} · {sps:.1f} samples/s</source>
      <translation>第 {epoch:.2f} 轮 · 损失 {loss:.4f} · {sps:.1f} 样本/秒</translation>
    </message>
    <message>
      <source>Training… (checkpoint saved at step {step})</source>
      <translation>训练中…（已在第 {step} 步保存检查点）</translation>
    </message>
    <message>
      <source>checkpoint {name} is kept: press Resume to continue.</source>
      <translation>已保留检查点 {name}：点击“继续训练”以继续。</translation>
    </message>
    <message>
      <source>no checkpoint yet, so it cannot be resumed.</source>
      <translation>还没有检查点，因此无法继续。</translation>
    </message>
    <message>
      <source>Stopped at step {step}; {where}</source>
      <translation>已在第 {step} 步停止；{where}</translation>
    </message>
    <message>
      <source>, resumed from step {step}</source>
      <translation>，从第 {step} 步继续</translation>
    </message>
    <message>
      <source>Training on {device} ({precision}): {train:,} images, {val:,} for validation, {steps:,} steps of {batch} images{resumed}.</source>
      <translation>正在 {device}（{precision}）上训练：{train:,} 张图片，{val:,} 张用于验证，共 {steps:,} 步，每步 {batch} 张图片{resumed}。</translation>
    </message>
    <message>
      <source>Training on {device} ({precision}): {train:,} sentences, {val:,} for validation, {steps:,} steps of {batch} sentences{resumed}.</source>
      <translation>正在 {device}（{precision}）上训练：{train:,} 个句子，{val:,} 个用于验证，共 {steps:,} 步，每步 {batch} 个句子{resumed}。</translation>
    </message>
    <message>
      <source>Training on {device} ({precision}): {train:,} texts, {val:,} for validation, {steps:,} steps of {batch} texts{resumed}.</source>
      <translation>正在 {device}（{precision}）上训练：{train:,} 条文本，{val:,} 条用于验证，共 {steps:,} 步，每步 {batch} 条文本{resumed}。</translation>
    </message>
    <message>
      <source>Finished. The model is in {path}</source>
      <translation>已完成。模型保存在 {path}</translation>
    </message>
    <message>
      <source>{steps:,} steps in {time}</source>
      <translation>{steps:,} 步，用时 {time}</translation>
    </message>
    <message>
      <source>About {t} left (not measured before Start).</source>
      <translation>约剩 {t}（开始前未测量）。</translation>
    </message>
  </context>
  <context>
    <name>RunsTab</name>
    <message>
      <source>No runs yet. Train a model in the Training tab: every run is listed here.</source>
      <translation>还没有运行记录。请在“训练”标签页中训练模型：每次运行都会列在这里。</translation>
    </message>
    <message>
      <source>Resume</source>
      <translation>继续训练</translation>
    </message>
    <message>
      <source>Continue this stopped, failed or interrupted run from its last checkpoint.</source>
      <translation>从最后一个检查点继续这个已停止、失败或中断的运行。</translation>
    </message>
    <message>
      <source>Predict with it</source>
      <translation>用它预测</translation>
    </message>
    <message>
      <source>Try this run's model in the Prediction tab.</source>
      <translation>在“预测”标签页中试用这个运行的模型。</translation>
    </message>
    <message>
      <source>Export…</source>
      <translation>导出…</translation>
    </message>
    <message>
      <source>Save the model as a portable folder (Hugging Face format, label map, model card, predict.py; optionally ONNX and a zip) to use without Strop.</source>
      <translation>将模型保存为可移植的文件夹（Hugging Face 格式、标签映射、模型卡、predict.py；可选 ONNX 和 zip），无需 Strop 即可使用。</translation>
    </message>
    <message>
      <source>Open folder</source>
      <translation>打开文件夹</translation>
    </message>
    <message>
      <source>Show the run's folder in the file manager.</source>
      <translation>在文件管理器中显示该运行的文件夹。</translation>
    </message>
    <message>
      <source>Delete…</source>
      <translation>删除…</translation>
    </message>
    <message>
      <source>Delete the selected runs and everything in their folders (asks first).</source>
      <translation>删除所选运行及其文件夹中的全部内容（会先询问）。</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <source>Select a run to see its curves and results.</source>
      <translation>选择一个运行以查看其曲线和结果。</translation>
    </message>
    <message>
      <source>Validation scores (higher is better)</source>
      <translation>验证指标（越高越好）</translation>
    </message>
    <message>
      <source>Data: {data} · Model: {model} · Strategy: {strategy}</source>
      <translation>数据：{data} · 模型：{model} · 策略：{strategy}</translation>
    </message>
    <message>
      <source>Last checkpoint at step {step}.</source>
      <translation>最后一个检查点位于第 {step} 步。</translation>
    </message>
    <message>
      <source>Press Resume to continue.</source>
      <translation>点击“继续训练”以继续。</translation>
    </message>
    <message>
      <source>Error: {error}</source>
      <translation>错误：{error}</translation>
    </message>
    <message>
      <source>No final metrics: the run did not finish.</source>
      <translation>没有最终指标：该运行未完成。</translation>
    </message>
    <message>
      <source>Comparing {n} runs, one colour each: training loss (left) and validation accuracy (right).</source>
      <translation>正在比较 {n} 个运行，每个一种颜色：训练损失（左）和验证准确率（右）。</translation>
    </message>
    <message>
      <source>it is training now</source>
      <translation>它正在训练</translation>
    </message>
    <message>
      <source>it is being exported</source>
      <translation>它正在导出</translation>
    </message>
    <message>
      <source>{name}: not deleted, {reason}.</source>
      <translation>{name}：未删除，{reason}。</translation>
    </message>
    <message>
      <source>Stop it (or let it end) first.</source>
      <translation>请先停止它（或等它结束）。</translation>
    </message>
    <message>
      <source>Delete the run {name}? Its folder, checkpoints and model are removed for good.</source>
      <translation>删除运行 {name}？它的文件夹、检查点和模型将被永久删除。</translation>
    </message>
    <message>
      <source>Delete these {n} runs? Their folders, checkpoints and models are removed for good.</source>
      <translation>删除这 {n} 个运行？它们的文件夹、检查点和模型将被永久删除。</translation>
    </message>
    <message>
      <source>Delete runs</source>
      <translation>删除运行</translation>
    </message>
    <message>
      <source>{path}: could not be deleted ({error}).</source>
      <translation>{path}：无法删除（{error}）。</translation>
    </message>
    <message>
      <source>Close programs that use files in it, then try again.</source>
      <translation>请关闭正在使用其中文件的程序，然后重试。</translation>
    </message>
    <message>
      <source>Exporting {name} to {dest}…</source>
      <translation>正在将 {name} 导出到 {dest}…</translation>
    </message>
    <message>
      <source>Exported to {path}</source>
      <translation>已导出到 {path}</translation>
    </message>
    <message>
      <source>zip: {path}</source>
      <translation>zip：{path}</translation>
    </message>
    <message>
      <source>ONNX: {message}</source>
      <translation>ONNX：{message}</translation>
    </message>
    <message>
      <source>The export failed: see the message above.</source>
      <translation>导出失败：请查看上方的消息。</translation>
    </message>
    <message>
      <source>Exporting: {message}… ({step} of {total})</source>
      <translation>正在导出：{message}…（第 {step} 步，共 {total} 步）</translation>
    </message>
  </context>
  <context>
    <name>RunsTableModel</name>
    <message>
      <source>When</source>
      <extracomment>One colour per run when several are overlaid (the tab10 palette: readable on light and dark backgrounds, distinguishable by most colour-blind readers for the first few).</extracomment>
      <translation>时间</translation>
    </message>
    <message>
      <source>Dataset</source>
      <translation>数据集</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <source>Strategy</source>
      <translation>策略</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Best accuracy</source>
      <translation>最佳准确率</translation>
    </message>
    <message>
      <source>Score</source>
      <translation>得分</translation>
    </message>
    <message>
      <source>The task's main metric: {metric}</source>
      <translation>任务的主要指标：{metric}</translation>
    </message>
    <message>
      <source>Duration</source>
      <translation>用时</translation>
    </message>
    <message>
      <source>Can be resumed from step {step}</source>
      <translation>可从第 {step} 步继续</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <source>System ({language})</source>
      <translation>跟随系统（{language}）</translation>
    </message>
    <message>
      <source>System</source>
      <translation>跟随系统</translation>
    </message>
    <message>
      <source>Light</source>
      <translation>浅色</translation>
    </message>
    <message>
      <source>Dark</source>
      <translation>深色</translation>
    </message>
    <message>
      <source>System follows your computer's light or dark mode.</source>
      <translation>“跟随系统”会使用电脑的浅色或深色模式。</translation>
    </message>
    <message>
      <source>Language:</source>
      <translation>语言：</translation>
    </message>
    <message>
      <source>Appearance:</source>
      <translation>外观：</translation>
    </message>
    <message>
      <source>A new language applies the next time Strop starts.</source>
      <translation>更改的语言将在下次启动 Strop 时生效。</translation>
    </message>
  </context>
  <context>
    <name>SettingsForm</name>
    <message>
      <source>Auto</source>
      <extracomment>the settings the person set: a task's defaults never replace them</extracomment>
      <translation>自动</translation>
    </message>
    <message>
      <source>Auto (from the data)</source>
      <translation>自动（根据数据）</translation>
    </message>
    <message>
      <source>No limit</source>
      <translation>不限制</translation>
    </message>
    <message>
      <source>Off</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>Automatic</source>
      <translation>自动</translation>
    </message>
    <message>
      <source>fp32 (full precision)</source>
      <translation>fp32（全精度）</translation>
    </message>
    <message>
      <source>bf16 (half memory; recent GPUs and CPUs)</source>
      <translation>bf16（内存减半；较新的 GPU 和 CPU）</translation>
    </message>
    <message>
      <source>fp16 (half memory; NVIDIA GPUs)</source>
      <translation>fp16（内存减半；NVIDIA GPU）</translation>
    </message>
    <message>
      <source>Automatic (the best one here)</source>
      <translation>自动（本机最佳设备）</translation>
    </message>
  </context>
  <context>
    <name>SuspectsView</name>
    <message>
      <source>Find suspect labels</source>
      <translation>查找可疑标签</translation>
    </message>
    <message>
      <source>Rank the training rows whose label the models disagree with (confident learning). Takes a little while: it runs in the background.</source>
      <translation>对模型不认同其标签的训练行排序（置信学习）。需要一点时间：在后台运行。</translation>
    </message>
    <message>
      <source>Finished runs can check their training labels.</source>
      <translation>已完成的运行可以检查其训练标签。</translation>
    </message>
    <message>
      <source>Keep</source>
      <translation>保留</translation>
    </message>
    <message>
      <source>The label is right: keep the row.</source>
      <translation>标签正确：保留这一行。</translation>
    </message>
    <message>
      <source>Relabel</source>
      <translation>改标签</translation>
    </message>
    <message>
      <source>Give the selected rows the label chosen beside (the suggested one by default).</source>
      <translation>把选中的行改为旁边选定的标签（默认为建议的标签）。</translation>
    </message>
    <message>
      <source>The new label, or each row's suggested label.</source>
      <translation>新标签，或每行建议的标签。</translation>
    </message>
    <message>
      <source>Drop</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Leave the selected rows out of the copy.</source>
      <translation>在副本中去掉选中的行。</translation>
    </message>
    <message>
      <source>Retrain on the corrected copy</source>
      <translation>用修正后的副本重新训练</translation>
    </message>
    <message>
      <source>Write your decisions to a copy of the data beside the run (the original is never changed), open it and train on it.</source>
      <translation>把你的决定写入运行文件夹中的数据副本（原文件不会改动），打开它并用它训练。</translation>
    </message>
    <message>
      <source>suggested label</source>
      <extracomment>row number -&gt; "keep" | ("relabel", label) | "drop"</extracomment>
      <translation>建议的标签</translation>
    </message>
    <message>
      <source>No run to check.</source>
      <translation>没有可检查的运行。</translation>
    </message>
    <message>
      <source>Looking for suspect labels…</source>
      <translation>正在查找可疑标签…</translation>
    </message>
    <message>
      <source>Could not look for suspects: {error}</source>
      <translation>无法查找可疑标签：{error}</translation>
    </message>
    <message>
      <source>row</source>
      <translation>行</translation>
    </message>
    <message>
      <source>text</source>
      <translation>文本</translation>
    </message>
    <message>
      <source>label</source>
      <translation>标签</translation>
    </message>
    <message>
      <source>suggested</source>
      <translation>建议</translation>
    </message>
    <message>
      <source>score</source>
      <translation>分数</translation>
    </message>
    <message>
      <source>decision</source>
      <translation>决定</translation>
    </message>
    <message>
      <source>{n} training rows whose label looks wrong, most suspect first: read each, then keep, relabel or drop it.</source>
      <translation>{n} 个训练行的标签看起来有误，最可疑的排在前面：逐一阅读，然后保留、改标签或删除。</translation>
    </message>
    <message>
      <source>No suspect labels: the models agree with the data.</source>
      <translation>没有可疑标签：模型与数据一致。</translation>
    </message>
    <message>
      <source>→ {label}</source>
      <translation>→ {label}</translation>
    </message>
    <message>
      <source>drop</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>keep</source>
      <translation>保留</translation>
    </message>
    <message>
      <source>{changed} relabelled and {dropped} dropped in {path}</source>
      <translation>已在 {path} 中改标签 {changed} 行、删除 {dropped} 行</translation>
    </message>
  </context>
  <context>
    <name>TaskCombo</name>
    <message>
      <source>What to teach the model; detected from the data, yours to change.</source>
      <extracomment>The tasks' names as the window knows them (a task module may be missing from a build, so they are not read from its registry).</extracomment>
      <translation>要教给模型的任务；根据数据自动识别，你可以更改。</translation>
    </message>
    <message>
      <source>Text classification</source>
      <translation>文本分类</translation>
    </message>
    <message>
      <source>Named entities (token classification)</source>
      <translation>命名实体（词元分类）</translation>
    </message>
    <message>
      <source>Image classification</source>
      <translation>图像分类</translation>
    </message>
  </context>
  <context>
    <name>TrainingSettings</name>
    <message>
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <source>Auto ({lr:g} for this strategy)</source>
      <translation>自动（此策略为 {lr:g}）</translation>
    </message>
    <message>
      <source>Auto ({n} from the data)</source>
      <translation>自动（根据数据为 {n}）</translation>
    </message>
    <message>
      <source>Automatic ({best})</source>
      <translation>自动（{best}）</translation>
    </message>
    <message>
      <source>Automatic</source>
      <translation>自动</translation>
    </message>
  </context>
  <context>
    <name>TrainingTab</name>
    <message>
      <source>{h} h {m:02d} min</source>
      <translation>{h} 小时 {m:02d} 分</translation>
    </message>
    <message>
      <source>{m} min {s:02d} s</source>
      <translation>{m} 分 {s:02d} 秒</translation>
    </message>
    <message>
      <source>{s} s</source>
      <translation>{s} 秒</translation>
    </message>
    <message>
      <source>The results appear here when the run ends.</source>
      <translation>运行结束后，结果会显示在这里。</translation>
    </message>
    <message>
      <source>Starting when the data has loaded</source>
      <translation>数据加载完成后开始</translation>
    </message>
    <message>
      <source>Start cancelled.</source>
      <translation>已取消开始。</translation>
    </message>
    <message>
      <source>Stopping: finishing the current step and saving a checkpoint…</source>
      <translation>正在停止：完成当前步并保存检查点…</translation>
    </message>
    <message>
      <source>The run failed: see the message above.</source>
      <translation>运行失败：请查看上方的消息。</translation>
    </message>
  </context>
  <context>
    <name>ValidationChoice</name>
    <message>
      <source>Validation</source>
      <translation>验证</translation>
    </message>
    <message>
      <source>Hold out a share of the rows:</source>
      <translation>留出一部分行：</translation>
    </message>
    <message>
      <source>Use a separate file:</source>
      <translation>使用单独的文件：</translation>
    </message>
    <message>
      <source>The share kept aside (per class) to measure the model on examples it never trained on.</source>
      <translation>按类别留出的比例，用来在模型从未训练过的样本上衡量它。</translation>
    </message>
    <message>
      <source>No file chosen</source>
      <translation>未选择文件</translation>
    </message>
    <message>
      <source>Choose…</source>
      <translation>选择…</translation>
    </message>
    <message>
      <source>Choose a validation file</source>
      <translation>选择验证文件</translation>
    </message>
    <message>
      <source>Hold out a share of the images:</source>
      <translation>留出一部分图片：</translation>
    </message>
    <message>
      <source>Hold out a share of the sentences:</source>
      <translation>留出一部分句子：</translation>
    </message>
    <message>
      <source>The data has its own validation set, so no share is held out. A separate file chosen below replaces it.</source>
      <translation>数据自带验证集，因此不再留出比例。下面选择的单独文件会替代它。</translation>
    </message>
  </context>
  <context>
    <name>Setting</name>
    <message>
      <source>Epochs:</source>
      <translation>轮数：</translation>
    </message>
    <message>
      <source>How many times the model reads every training text. More epochs fit the data more closely; too many make it memorise (early stopping guards against that). Left at 2 with the automatic learning rate, a small text dataset gets more, up to 10, so that training makes at least 64 updates.</source>
      <translation>模型把每条训练文本读多少遍。轮数越多，对数据拟合越紧；过多则会死记硬背（早停可以防止这种情况）。保持为 2 且学习率为自动时，小的文本数据集会多训练几轮（最多 10 轮），以保证至少 64 次更新。</translation>
    </message>
    <message>
      <source>Batch size:</source>
      <translation>批大小：</translation>
    </message>
    <message>
      <source>How many texts the model reads before each update. Larger is faster per text but needs more memory: lower it if the device runs out of memory.</source>
      <translation>模型每次更新前读取的文本条数。批越大，平均每条越快，但需要更多内存：如果设备内存不足，请调小。</translation>
    </message>
    <message>
      <source>Learning rate:</source>
      <translation>学习率：</translation>
    </message>
    <message>
      <source>How big each update is. Too high and training diverges (the loss jumps or becomes NaN); too low and it learns slowly. Auto picks a value that suits the fine-tuning strategy.</source>
      <translation>每次更新的幅度。太高会导致训练发散（损失跳变或变成 NaN）；太低则学得很慢。“自动”会选择适合当前微调策略的值。</translation>
    </message>
    <message>
      <source>Warm-up:</source>
      <translation>预热：</translation>
    </message>
    <message>
      <source>The share of steps at the start during which the learning rate rises from zero: it keeps the first updates from damaging the pre-trained weights.</source>
      <translation>训练开始时学习率从零逐渐升高的步数比例：防止最初的更新破坏预训练权重。</translation>
    </message>
    <message>
      <source>Weight decay:</source>
      <translation>权重衰减：</translation>
    </message>
    <message>
      <source>A gentle pull of the weights towards zero that reduces over-fitting.</source>
      <translation>将权重轻微拉向零，以减少过拟合。</translation>
    </message>
    <message>
      <source>Max length:</source>
      <translation>最大长度：</translation>
    </message>
    <message>
      <source>The longest text the model reads, in tokens (word pieces); longer texts are cut. Auto covers about 99% of your texts. Shorter is faster and uses less memory.</source>
      <translation>模型读取的最长文本长度，以词元（子词）计；更长的文本会被截断。“自动”可覆盖约 99% 的文本。越短越快，内存占用也越少。</translation>
    </message>
    <message>
      <source>Gradient accumulation:</source>
      <translation>梯度累积：</translation>
    </message>
    <message>
      <source>Add up the updates of this many batches before applying them: the effect of a bigger batch without its memory cost.</source>
      <translation>先累加这么多个批次的更新再应用：获得更大批次的效果，却不增加内存开销。</translation>
    </message>
    <message>
      <source>Stop after steps:</source>
      <translation>最多步数：</translation>
    </message>
    <message>
      <source>End the run after this many updates, whatever the number of epochs (for a quick try).</source>
      <translation>无论轮数是多少，在这么多次更新后结束运行（用于快速试验）。</translation>
    </message>
    <message>
      <source>Seed:</source>
      <translation>随机种子：</translation>
    </message>
    <message>
      <source>The same seed with the same settings gives the same model: change it to see how much results vary.</source>
      <translation>相同的种子和相同的设置会得到相同的模型：更改它可以看看结果的波动有多大。</translation>
    </message>
    <message>
      <source>Device:</source>
      <translation>设备：</translation>
    </message>
    <message>
      <source>Where the model trains. A GPU is many times faster than the CPU.</source>
      <translation>模型在哪里训练。GPU 比 CPU 快很多倍。</translation>
    </message>
    <message>
      <source>Precision:</source>
      <translation>精度：</translation>
    </message>
    <message>
      <source>How numbers are stored while training. Half precision (bf16, fp16) is faster and uses less memory where the device supports it; Automatic chooses for you.</source>
      <translation>训练时数值的存储方式。在设备支持的情况下，半精度（bf16、fp16）更快且更省内存；“自动”会替你选择。</translation>
    </message>
    <message>
      <source>Early stopping after:</source>
      <translation>早停耐心：</translation>
    </message>
    <message>
      <source>Stop when the validation score has not improved for this many evaluations in a row; the best model is kept.</source>
      <translation>当验证分数连续这么多次评估都没有提升时停止训练；保留最佳模型。</translation>
    </message>
  </context>
</TS>