"""The text and sequence tutorials as programs: NLP From Scratch (char-RNN name classifier,
seq2seq with Bahdanau attention), the "Deep Learning for NLP" pages (bag of words, n-gram
embeddings, LSTM tagger), text classification with nn.EmbeddingBag, pytorch/examples'
word_language_model (LSTM and Transformer), attention from scratch with einsum and
examples/time_sequence_prediction (LSTMCell + LBFGS).

Each program runs on ``torch`` (real torch, or learntorch imported as torch); program_harness
runs it both ways from the same seed and compares what the tutorial prints.
"""
import math
import string

import pytest

from program_harness import assert_same_run

NAMES = {"English": ["Abbott", "Smith", "Taylor", "Brown"], "French": ["Abel", "Dubois", "Lefevre"],
         "Italian": ["Rossi", "Abbadelli", "Bianchi"], "Japanese": ["Abe", "Sato", "Tanaka"]}


def char_rnn_classification(torch):
    """"NLP From Scratch: Classifying Names with a Character-Level RNN": one-hot letter
    tensors, the tutorial's hand-written RNN (i2h/h2o + LogSoftmax), then nn.RNN and nn.GRU,
    NLLLoss, clip_grad_norm_, a few SGD steps over random examples, topk for the category."""
    import torch.nn as nn
    import torch.nn.functional as F
    all_letters = string.ascii_letters + " .,;'"
    n_letters = len(all_letters)
    all_categories = list(NAMES)
    n_categories = len(all_categories)

    def letterToIndex(letter):
        return all_letters.find(letter)

    def lineToTensor(line):
        tensor = torch.zeros(len(line), 1, n_letters)
        for li, letter in enumerate(line):
            tensor[li][0][letterToIndex(letter)] = 1
        return tensor

    class RNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super(RNN, self).__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
            self.h2o = nn.Linear(input_size + hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, input, hidden):
            combined = torch.cat((input, hidden), 1)
            hidden = self.i2h(combined)
            output = self.h2o(combined)
            output = self.softmax(output)
            return output, hidden

        def initHidden(self):
            return torch.zeros(1, self.hidden_size)

    class CharRNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size, cell=nn.RNN):
            super(CharRNN, self).__init__()
            self.rnn = cell(input_size, hidden_size)
            self.h2o = nn.Linear(hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, line_tensor):
            rnn_out, hidden = self.rnn(line_tensor)
            output = self.h2o(hidden[0])
            output = self.softmax(output)
            return output

    def categoryFromOutput(output):
        top_n, top_i = output.topk(1)
        category_i = top_i[0].item()
        return all_categories[category_i], category_i

    torch.manual_seed(0)
    n_hidden = 32
    rnn = RNN(n_letters, n_hidden, n_categories)
    input = lineToTensor('Albert')
    hidden = torch.zeros(1, n_hidden)
    output, next_hidden = rnn(input[0], hidden)
    first = categoryFromOutput(output)
    criterion = nn.NLLLoss()
    learning_rate = 0.005

    def train(category_tensor, line_tensor):
        hidden = rnn.initHidden()
        rnn.zero_grad()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        loss = criterion(output, category_tensor)
        loss.backward()
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return output, loss.item()

    def randomTrainingExample():
        category = all_categories[torch.randint(0, n_categories, ()).item()]
        names = NAMES[category]
        line = names[torch.randint(0, len(names), ()).item()]
        category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
        return category, line, category_tensor, lineToTensor(line)

    losses = []
    for iter in range(20):
        category, line, category_tensor, line_tensor = randomTrainingExample()
        output, loss = train(category_tensor, line_tensor)
        losses.append((line, loss))
    results = {"first": first, "hand_written": losses}
    for cell in (nn.RNN, nn.GRU):
        model = CharRNN(n_letters, n_hidden, n_categories, cell)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.15, momentum=0.5)
        cell_losses = []
        for epoch in range(2):
            model.train()
            optimizer.zero_grad()
            batch_loss = 0
            for category in all_categories:
                for name in NAMES[category]:
                    output = model(lineToTensor(name))
                    batch_loss += criterion(output, torch.tensor([all_categories.index(category)]))
            batch_loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 3)
            optimizer.step()
            cell_losses.append(batch_loss.item())
        model.eval()
        with torch.no_grad():
            guesses = [categoryFromOutput(model(lineToTensor(n)))[0] for n in ("Satoh", "Rossini")]
        results[cell.__name__] = {"losses": cell_losses, "guesses": guesses,
                                  "probs": F.softmax(model(lineToTensor("Abe")), dim=1)}
    return results


def seq2seq_attention(torch):
    """"NLP From Scratch: Translation with a Sequence to Sequence Network and Attention":
    EncoderRNN (Embedding, GRU batch_first, Dropout), BahdanauAttention, AttnDecoderRNN with
    teacher forcing, NLLLoss over log_softmax outputs, Adam, greedy decoding with topk."""
    import torch.nn as nn
    import torch.nn.functional as F
    from torch import optim
    SOS_token, EOS_token, MAX_LENGTH = 0, 1, 6
    pairs = [([2, 3, 4], [2, 5]), ([3, 6, 2, 7], [6, 3, 4]), ([5, 5, 4], [7, 2, 3, 3])]
    input_size, output_size, hidden_size = 8, 8, 16

    class EncoderRNN(nn.Module):
        def __init__(self, input_size, hidden_size, dropout_p=0.1):
            super(EncoderRNN, self).__init__()
            self.hidden_size = hidden_size
            self.embedding = nn.Embedding(input_size, hidden_size)
            self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, input):
            embedded = self.dropout(self.embedding(input))
            output, hidden = self.gru(embedded)
            return output, hidden

    class BahdanauAttention(nn.Module):
        def __init__(self, hidden_size):
            super(BahdanauAttention, self).__init__()
            self.Wa = nn.Linear(hidden_size, hidden_size)
            self.Ua = nn.Linear(hidden_size, hidden_size)
            self.Va = nn.Linear(hidden_size, 1)

        def forward(self, query, keys):
            scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))
            scores = scores.squeeze(2).unsqueeze(1)
            weights = F.softmax(scores, dim=-1)
            context = torch.bmm(weights, keys)
            return context, weights

    class AttnDecoderRNN(nn.Module):
        def __init__(self, hidden_size, output_size, dropout_p=0.1):
            super(AttnDecoderRNN, self).__init__()
            self.embedding = nn.Embedding(output_size, hidden_size)
            self.attention = BahdanauAttention(hidden_size)
            self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
            self.out = nn.Linear(hidden_size, output_size)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, encoder_outputs, encoder_hidden, target_tensor=None):
            batch_size = encoder_outputs.size(0)
            decoder_input = torch.empty(batch_size, 1, dtype=torch.long).fill_(SOS_token)
            decoder_hidden = encoder_hidden
            decoder_outputs = []
            attentions = []
            for i in range(MAX_LENGTH):
                decoder_output, decoder_hidden, attn_weights = self.forward_step(
                    decoder_input, decoder_hidden, encoder_outputs)
                decoder_outputs.append(decoder_output)
                attentions.append(attn_weights)
                if target_tensor is not None:
                    decoder_input = target_tensor[:, i].unsqueeze(1)
                else:
                    _, topi = decoder_output.topk(1)
                    decoder_input = topi.squeeze(-1).detach()
            decoder_outputs = torch.cat(decoder_outputs, dim=1)
            decoder_outputs = F.log_softmax(decoder_outputs, dim=-1)
            attentions = torch.cat(attentions, dim=1)
            return decoder_outputs, decoder_hidden, attentions

        def forward_step(self, input, hidden, encoder_outputs):
            embedded = self.dropout(self.embedding(input))
            query = hidden.permute(1, 0, 2)
            context, attn_weights = self.attention(query, encoder_outputs)
            input_gru = torch.cat((embedded, context), dim=2)
            output, hidden = self.gru(input_gru, hidden)
            output = self.out(output)
            return output, hidden, attn_weights

    def as_ids(seqs):
        ids = torch.zeros((len(seqs), MAX_LENGTH), dtype=torch.long)
        for i, seq in enumerate(seqs):
            ids[i, :len(seq) + 1] = torch.tensor(seq + [EOS_token])
        return ids

    torch.manual_seed(0)
    input_tensor, target_tensor = as_ids([p[0] for p in pairs]), as_ids([p[1] for p in pairs])
    encoder = EncoderRNN(input_size, hidden_size)
    decoder = AttnDecoderRNN(hidden_size, output_size)
    encoder_optimizer = optim.Adam(encoder.parameters(), lr=0.01)
    decoder_optimizer = optim.Adam(decoder.parameters(), lr=0.01)
    criterion = nn.NLLLoss()
    losses = []
    for epoch in range(4):
        encoder_optimizer.zero_grad()
        decoder_optimizer.zero_grad()
        encoder_outputs, encoder_hidden = encoder(input_tensor)
        decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, target_tensor)
        loss = criterion(decoder_outputs.view(-1, decoder_outputs.size(-1)), target_tensor.view(-1))
        loss.backward()
        encoder_optimizer.step()
        decoder_optimizer.step()
        losses.append(loss.item())
    encoder.eval()
    decoder.eval()
    with torch.no_grad():
        encoder_outputs, encoder_hidden = encoder(input_tensor[:1])
        decoder_outputs, decoder_hidden, decoder_attn = decoder(encoder_outputs, encoder_hidden)
        _, topi = decoder_outputs.topk(1)
        decoded_ids = topi.squeeze()
    # Va's bias adds the same number to every score and softmax cancels it: its gradient is
    # float32 rounding noise, which Adam scales up to steps of ±lr, so it is not compared.
    return {"losses": losses, "decoded": decoded_ids, "attn": decoder_attn,
            "params": {name: p.detach() for name, p in decoder.named_parameters()
                       if name != "attention.Va.bias"}}


def bag_of_words_classifier(torch):
    """"Deep Learning with PyTorch" (NLP tutorial): BoWClassifier, make_bow_vector,
    log_softmax, NLLLoss, SGD; the log-probabilities before and after training."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim
    data = [("me gusta comer en la cafeteria".split(), "SPANISH"),
            ("Give it to me".split(), "ENGLISH"),
            ("No creo que sea una buena idea".split(), "SPANISH"),
            ("No it is not a good idea to get lost at sea".split(), "ENGLISH")]
    test_data = [("Yo creo que si".split(), "SPANISH"),
                 ("it is lost on me".split(), "ENGLISH")]
    word_to_ix = {}
    for sent, _ in data + test_data:
        for word in sent:
            if word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    VOCAB_SIZE, NUM_LABELS = len(word_to_ix), 2

    class BoWClassifier(nn.Module):
        def __init__(self, num_labels, vocab_size):
            super(BoWClassifier, self).__init__()
            self.linear = nn.Linear(vocab_size, num_labels)

        def forward(self, bow_vec):
            return F.log_softmax(self.linear(bow_vec), dim=1)

    def make_bow_vector(sentence, word_to_ix):
        vec = torch.zeros(len(word_to_ix))
        for word in sentence:
            vec[word_to_ix[word]] += 1
        return vec.view(1, -1)

    def make_target(label, label_to_ix):
        return torch.LongTensor([label_to_ix[label]])

    torch.manual_seed(1)
    model = BoWClassifier(NUM_LABELS, VOCAB_SIZE)
    label_to_ix = {"SPANISH": 0, "ENGLISH": 1}
    with torch.no_grad():
        before = [model(make_bow_vector(instance, word_to_ix)) for instance, _ in test_data]
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(100):
        for instance, label in data:
            model.zero_grad()
            bow_vec = make_bow_vector(instance, word_to_ix)
            target = make_target(label, label_to_ix)
            log_probs = model(bow_vec)
            loss = loss_function(log_probs, target)
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        after = [model(make_bow_vector(instance, word_to_ix)) for instance, _ in test_data]
    return {"before": before, "after": after,
            "creo": next(model.parameters())[:, word_to_ix["creo"]]}


def ngram_language_model(torch):
    """"Word Embeddings: Encoding Lexical Semantics": the N-gram language model with
    nn.Embedding, a context window, NLLLoss and SGD; the learned embedding of one word."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim
    CONTEXT_SIZE, EMBEDDING_DIM = 2, 10
    test_sentence = """When forty winters shall besiege thy brow,
    And dig deep trenches in thy beauty's field,
    Thy youth's proud livery so gazed on now,
    Will be a totter'd weed of small worth held:""".split()
    ngrams = [([test_sentence[i - j - 1] for j in range(CONTEXT_SIZE)], test_sentence[i])
              for i in range(CONTEXT_SIZE, len(test_sentence))]
    vocab = sorted(set(test_sentence))
    word_to_ix = {word: i for i, word in enumerate(vocab)}

    class NGramLanguageModeler(nn.Module):
        def __init__(self, vocab_size, embedding_dim, context_size):
            super(NGramLanguageModeler, self).__init__()
            self.embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.linear1 = nn.Linear(context_size * embedding_dim, 128)
            self.linear2 = nn.Linear(128, vocab_size)

        def forward(self, inputs):
            embeds = self.embeddings(inputs).view((1, -1))
            out = F.relu(self.linear1(embeds))
            out = self.linear2(out)
            log_probs = F.log_softmax(out, dim=1)
            return log_probs

    torch.manual_seed(1)
    losses = []
    loss_function = nn.NLLLoss()
    model = NGramLanguageModeler(len(vocab), EMBEDDING_DIM, CONTEXT_SIZE)
    optimizer = optim.SGD(model.parameters(), lr=0.001)
    for epoch in range(3):
        total_loss = 0
        for context, target in ngrams:
            context_idxs = torch.tensor([word_to_ix[w] for w in context], dtype=torch.long)
            model.zero_grad()
            log_probs = model(context_idxs)
            loss = loss_function(log_probs, torch.tensor([word_to_ix[target]], dtype=torch.long))
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        losses.append(total_loss)
    return {"losses": losses, "thy": model.embeddings.weight[word_to_ix["thy"]]}


def lstm_part_of_speech_tagger(torch):
    """"Sequence Models and Long Short-Term Memory Networks": LSTMTagger (Embedding, LSTM,
    hidden2tag, log_softmax), prepare_sequence, NLLLoss, SGD; tag scores before and after."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim

    def prepare_sequence(seq, to_ix):
        idxs = [to_ix[w] for w in seq]
        return torch.tensor(idxs, dtype=torch.long)

    training_data = [("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
                     ("Everybody read that book".split(), ["NN", "V", "DET", "NN"])]
    word_to_ix = {}
    for sent, tags in training_data:
        for word in sent:
            if word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    tag_to_ix = {"DET": 0, "NN": 1, "V": 2}
    EMBEDDING_DIM, HIDDEN_DIM = 6, 6

    class LSTMTagger(nn.Module):
        def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
            super(LSTMTagger, self).__init__()
            self.hidden_dim = hidden_dim
            self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.lstm = nn.LSTM(embedding_dim, hidden_dim)
            self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

        def forward(self, sentence):
            embeds = self.word_embeddings(sentence)
            lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
            tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
            tag_scores = F.log_softmax(tag_space, dim=1)
            return tag_scores

    torch.manual_seed(1)
    lstm = nn.LSTM(3, 3)
    inputs = [torch.randn(1, 3) for _ in range(5)]
    hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))
    for i in inputs:
        out, hidden = lstm(i.view(1, 1, -1), hidden)
    step_by_step = out
    inputs = torch.cat(inputs).view(len(inputs), 1, -1)
    hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))
    out, hidden = lstm(inputs, hidden)
    model = LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(word_to_ix), len(tag_to_ix))
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with torch.no_grad():
        before = model(prepare_sequence(training_data[0][0], word_to_ix))
    for epoch in range(30):
        for sentence, tags in training_data:
            model.zero_grad()
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)
            tag_scores = model(sentence_in)
            loss = loss_function(tag_scores, targets)
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        after = model(prepare_sequence(training_data[0][0], word_to_ix))
    return {"step_by_step": step_by_step, "out": out, "hidden": hidden, "before": before,
            "after": after, "tags": after.argmax(1)}


def text_classification_embedding_bag(torch):
    """The text classification tutorial (AG_NEWS with torchtext): TextClassificationModel with
    nn.EmbeddingBag over flat token ids and offsets from cumsum, init_weights, SGD lr=5,
    StepLR, clip_grad_norm_(0.1), accuracy, then predict one text."""
    from torch import nn
    from torch.utils.data import DataLoader
    texts = [(1, "wall st bears claw back into the black"), (2, "the game went to extra time"),
             (3, "oil prices soar to all time record"), (4, "new chip doubles the speed"),
             (1, "stocks fall as oil prices rise"), (2, "team wins the cup final"),
             (3, "markets rally on record profits"), (4, "software update brings new speed")] * 2
    vocab = {w: i for i, w in enumerate(sorted({w for _, t in texts for w in t.split()}))}

    def text_pipeline(x):
        return [vocab[w] for w in x.split()]

    def label_pipeline(x):
        return int(x) - 1

    def collate_batch(batch):
        label_list, text_list, offsets = [], [], [0]
        for _label, _text in batch:
            label_list.append(label_pipeline(_label))
            processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
            text_list.append(processed_text)
            offsets.append(processed_text.size(0))
        label_list = torch.tensor(label_list, dtype=torch.int64)
        offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
        text_list = torch.cat(text_list)
        return label_list, text_list, offsets

    class TextClassificationModel(nn.Module):
        def __init__(self, vocab_size, embed_dim, num_class):
            super(TextClassificationModel, self).__init__()
            self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
            self.fc = nn.Linear(embed_dim, num_class)
            self.init_weights()

        def init_weights(self):
            initrange = 0.5
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.fc.weight.data.uniform_(-initrange, initrange)
            self.fc.bias.data.zero_()

        def forward(self, text, offsets):
            embedded = self.embedding(text, offsets)
            return self.fc(embedded)

    torch.manual_seed(0)
    model = TextClassificationModel(len(vocab), 16, 4)
    init = model.embedding.weight.detach().clone()
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=5)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
    dataloader = DataLoader(texts, batch_size=4, shuffle=True, collate_fn=collate_batch)
    history = []
    for epoch in range(1, 4):
        model.train()
        total_acc, total_count = 0, 0
        for idx, (label, text, offsets) in enumerate(dataloader):
            optimizer.zero_grad()
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            optimizer.step()
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
        scheduler.step()
        history.append((total_acc / total_count, scheduler.get_last_lr()[0]))

    def predict(text, text_pipeline):
        with torch.no_grad():
            text = torch.tensor(text_pipeline(text))
            output = model(text, torch.tensor([0]))
            return output.argmax(1).item() + 1

    return {"init": init, "history": history, "predict": predict("oil prices rise", text_pipeline),
            "params": [p.detach() for p in model.parameters()]}


def _word_language_model_data(torch):
    import numpy as np
    rng = np.random.default_rng(3)
    return torch.from_numpy(rng.integers(0, 50, 200)), torch.from_numpy(rng.integers(0, 50, 60))


def word_language_model_lstm(torch):
    """pytorch/examples word_language_model with the LSTM RNNModel: batchify, get_batch,
    Dropout, 2-layer nn.LSTM with dropout, init_weights, repackage_hidden (detach), manual
    p.data.add_(p.grad, alpha=-lr) after clip_grad_norm_, evaluate in eval mode."""
    import torch.nn as nn
    import torch.nn.functional as F

    class RNNModel(nn.Module):
        def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
            super(RNNModel, self).__init__()
            self.ntoken = ntoken
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(ntoken, ninp)
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
            self.decoder = nn.Linear(nhid, ntoken)
            if tie_weights:
                self.decoder.weight = self.encoder.weight
            self.init_weights()
            self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers

        def init_weights(self):
            initrange = 0.1
            nn.init.uniform_(self.encoder.weight, -initrange, initrange)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -initrange, initrange)

        def forward(self, input, hidden):
            emb = self.drop(self.encoder(input))
            output, hidden = self.rnn(emb, hidden)
            output = self.drop(output)
            decoded = self.decoder(output)
            decoded = decoded.view(-1, self.ntoken)
            return F.log_softmax(decoded, dim=1), hidden

        def init_hidden(self, bsz):
            weight = next(self.parameters())
            if self.rnn_type == 'LSTM':
                return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                        weight.new_zeros(self.nlayers, bsz, self.nhid))
            return weight.new_zeros(self.nlayers, bsz, self.nhid)

    def batchify(data, bsz):
        nbatch = data.size(0) // bsz
        data = data.narrow(0, 0, nbatch * bsz)
        return data.view(bsz, -1).t().contiguous()

    def repackage_hidden(h):
        if isinstance(h, torch.Tensor):
            return h.detach()
        return tuple(repackage_hidden(v) for v in h)

    bptt = 10

    def get_batch(source, i):
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i:i + seq_len]
        target = source[i + 1:i + 1 + seq_len].view(-1)
        return data, target

    torch.manual_seed(1111)
    train, valid = _word_language_model_data(torch)
    train_data, val_data = batchify(train, 4), batchify(valid, 2)
    ntokens = 50
    results = {}
    for rnn_type, tied in (("LSTM", True), ("GRU", False)):
        model = RNNModel(rnn_type, ntokens, 16, 16, 2, dropout=0.2, tie_weights=tied)
        criterion = nn.NLLLoss()
        lr, clip = 20.0, 0.25

        def evaluate(data_source):
            model.eval()
            total_loss = 0.
            hidden = model.init_hidden(2)
            with torch.no_grad():
                for i in range(0, data_source.size(0) - 1, bptt):
                    data, targets = get_batch(data_source, i)
                    output, hidden = model(data, hidden)
                    hidden = repackage_hidden(hidden)
                    total_loss += len(data) * criterion(output, targets).item()
            return total_loss / (len(data_source) - 1)

        model.train()
        hidden = model.init_hidden(4)
        losses = []
        for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
            data, targets = get_batch(train_data, i)
            model.zero_grad()
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
            loss = criterion(output, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            losses.append(loss.item())
        results[rnn_type] = {"losses": losses, "val_loss": evaluate(val_data),
                             "ppl": math.exp(evaluate(val_data)),
                             "tied": model.decoder.weight is model.encoder.weight,
                             "params": [p.detach() for p in model.parameters()]}
    return results


def word_language_model_transformer(torch):
    """pytorch/examples word_language_model's TransformerModel: PositionalEncoding (register_buffer
    of sin/cos), nn.TransformerEncoder of TransformerEncoderLayer, the square subsequent mask,
    sqrt(ninp) scaling, dropout, a few training steps and an eval-mode pass."""
    import torch.nn as nn
    import torch.nn.functional as F

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, dropout=0.1, max_len=5000):
            super(PositionalEncoding, self).__init__()
            self.dropout = nn.Dropout(p=dropout)
            pe = torch.zeros(max_len, d_model)
            position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d_model, 2).float() *
                                 (-math.log(10000.0) / d_model))
            pe[:, 0::2] = torch.sin(position * div_term)
            pe[:, 1::2] = torch.cos(position * div_term)
            pe = pe.unsqueeze(0).transpose(0, 1)
            self.register_buffer('pe', pe)

        def forward(self, x):
            x = x + self.pe[:x.size(0), :]
            return self.dropout(x)

    class TransformerModel(nn.Transformer):
        def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
            super(TransformerModel, self).__init__(d_model=ninp, nhead=nhead,
                                                   dim_feedforward=nhid,
                                                   num_encoder_layers=nlayers)
            self.model_type = 'Transformer'
            self.src_mask = None
            self.pos_encoder = PositionalEncoding(ninp, dropout)
            self.input_emb = nn.Embedding(ntoken, ninp)
            self.ninp = ninp
            self.decoder = nn.Linear(ninp, ntoken)
            self.init_weights()

        def _generate_square_subsequent_mask(self, sz):
            return torch.log(torch.tril(torch.ones(sz, sz)))

        def init_weights(self):
            initrange = 0.1
            nn.init.uniform_(self.input_emb.weight, -initrange, initrange)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -initrange, initrange)

        def forward(self, src, has_mask=True):
            if has_mask:
                if self.src_mask is None or self.src_mask.size(0) != len(src):
                    mask = self._generate_square_subsequent_mask(len(src))
                    self.src_mask = mask
            else:
                self.src_mask = None
            src = self.input_emb(src) * math.sqrt(self.ninp)
            src = self.pos_encoder(src)
            output = self.encoder(src, mask=self.src_mask)
            output = self.decoder(output)
            return F.log_softmax(output, dim=-1)

    torch.manual_seed(1111)
    train, _ = _word_language_model_data(torch)
    train_data = train.narrow(0, 0, 200).view(4, -1).t().contiguous()
    model = TransformerModel(50, 16, 2, 32, 2, dropout=0.2)
    mask_ok = bool(torch.equal(model._generate_square_subsequent_mask(4),
                               nn.Transformer.generate_square_subsequent_mask(4)))
    criterion = nn.NLLLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    model.train()
    for i in range(0, 30, 10):
        data, targets = train_data[i:i + 10], train_data[i + 1:i + 11].reshape(-1)
        optimizer.zero_grad()
        output = model(data)
        loss = criterion(output.view(-1, 50), targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        out = model(train_data[:10])
    return {"mask_ok": mask_ok, "losses": losses, "eval_out": out,
            "n_params": sum(p.numel() for p in model.parameters())}


def attention_from_scratch(torch):
    """Scaled dot-product and multi-head attention written with einsum, masked_fill and
    softmax, checked against F.scaled_dot_product_attention and nn.MultiheadAttention
    holding the same weights; gradients through both."""
    import torch.nn as nn
    import torch.nn.functional as F
    torch.manual_seed(0)
    B, T, E, H = 2, 5, 8, 2
    x = torch.randn(B, T, E, requires_grad=True)
    mha = nn.MultiheadAttention(E, H, batch_first=True)
    w_q, w_k, w_v = mha.in_proj_weight.chunk(3)
    b_q, b_k, b_v = mha.in_proj_bias.chunk(3)

    def split_heads(t):
        return t.view(B, T, H, E // H).transpose(1, 2)

    q, k, v = (split_heads(F.linear(x, w, b)) for w, b in ((w_q, b_q), (w_k, b_k), (w_v, b_v)))
    scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(E // H)
    causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(causal, float("-inf"))
    weights = scores.softmax(dim=-1)
    heads = torch.einsum("bhqk,bhkd->bhqd", weights, v)
    ours = mha.out_proj(heads.transpose(1, 2).reshape(B, T, E))
    sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    library, library_weights = mha(x, x, x, attn_mask=causal, need_weights=True)
    (ours.sum() + library.pow(2).sum()).backward()
    return {"ours": ours, "sdpa_matches": bool(torch.allclose(sdpa, heads, atol=1e-6)),
            "library": library, "avg_weights": library_weights, "x_grad": x.grad,
            "in_proj_grad": mha.in_proj_weight.grad,
            "bilinear": torch.einsum("bn,anm,bm->ba", torch.randn(3, 4), torch.randn(2, 4, 5),
                                     torch.randn(3, 5)),
            "trace": torch.einsum("ii", torch.arange(9.0).view(3, 3))}


def time_sequence_prediction(torch):
    """pytorch/examples time_sequence_prediction: two LSTMCells and a Linear in double
    precision, predicting sine waves, trained with LBFGS and a closure, then predicting
    future values."""
    import numpy as np
    import torch.nn as nn
    import torch.optim as optim
    T, L, N = 20, 40, 6
    x = np.empty((N, L), 'int64')
    x[:] = np.array(range(L)) + np.random.default_rng(2).integers(-4 * T, 4 * T, N).reshape(N, 1)
    data = np.sin(x / 1.0 / T).astype('float64')

    class Sequence(nn.Module):
        def __init__(self):
            super(Sequence, self).__init__()
            self.lstm1 = nn.LSTMCell(1, 12)
            self.lstm2 = nn.LSTMCell(12, 12)
            self.linear = nn.Linear(12, 1)

        def forward(self, input, future=0):
            outputs = []
            h_t = torch.zeros(input.size(0), 12, dtype=torch.double)
            c_t = torch.zeros(input.size(0), 12, dtype=torch.double)
            h_t2 = torch.zeros(input.size(0), 12, dtype=torch.double)
            c_t2 = torch.zeros(input.size(0), 12, dtype=torch.double)
            for input_t in input.split(1, dim=1):
                h_t, c_t = self.lstm1(input_t, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            for i in range(future):
                h_t, c_t = self.lstm1(output, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            outputs = torch.cat(outputs, dim=1)
            return outputs

    np.random.seed(0)
    torch.manual_seed(0)
    input = torch.from_numpy(data[2:, :-1])
    target = torch.from_numpy(data[2:, 1:])
    test_input = torch.from_numpy(data[:2, :-1])
    test_target = torch.from_numpy(data[:2, 1:])
    seq = Sequence()
    seq.double()
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8, max_iter=4)
    losses = []
    for i in range(2):
        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            losses.append(loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        with torch.no_grad():
            future = 5
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            y = pred.detach().numpy()
    return {"losses": losses, "test_loss": loss, "future": y[:, -5:],
            "state_keys": sorted(optimizer.state_dict()["state"][0])}


def chatbot_encoder_with_packed_sequences(torch):
    """"Chatbot Tutorial": zeroPadding of variable-length sentences, binaryMatrix masks, the
    bidirectional GRU EncoderRNN over pack_padded_sequence / pad_packed_sequence, Luong "general"
    attention, and maskNLLLoss with masked_select; one training step with clip_grad_norm_."""
    import itertools
    import torch.nn as nn
    import torch.nn.functional as F
    PAD_token, SOS_token, EOS_token = 0, 1, 2
    batch = [[5, 8, 3, 9, 2], [4, 7, 2], [6, 6, 6, 4, 10, 2], [3, 2]]
    targets = [[7, 3, 2], [8, 9, 4, 2], [3, 2], [5, 6, 2]]

    def zeroPadding(l, fillvalue=PAD_token):
        return list(itertools.zip_longest(*l, fillvalue=fillvalue))

    def binaryMatrix(l, value=PAD_token):
        m = []
        for i, seq in enumerate(l):
            m.append([])
            for token in seq:
                m[i].append(0 if token == PAD_token else 1)
        return m

    def inputVar(l):
        lengths = torch.tensor([len(indexes) for indexes in l])
        padVar = torch.LongTensor(zeroPadding(l))
        return padVar, lengths

    def outputVar(l):
        max_target_len = max([len(indexes) for indexes in l])
        padList = zeroPadding(l)
        mask = torch.BoolTensor(binaryMatrix(padList))
        padVar = torch.LongTensor(padList)
        return padVar, mask, max_target_len

    class EncoderRNN(nn.Module):
        def __init__(self, hidden_size, embedding, n_layers=1, dropout=0):
            super(EncoderRNN, self).__init__()
            self.n_layers = n_layers
            self.hidden_size = hidden_size
            self.embedding = embedding
            self.gru = nn.GRU(hidden_size, hidden_size, n_layers,
                              dropout=(0 if n_layers == 1 else dropout), bidirectional=True)

        def forward(self, input_seq, input_lengths, hidden=None):
            embedded = self.embedding(input_seq)
            packed = nn.utils.rnn.pack_padded_sequence(embedded, input_lengths)
            outputs, hidden = self.gru(packed, hidden)
            outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs)
            outputs = outputs[:, :, :self.hidden_size] + outputs[:, :, self.hidden_size:]
            return outputs, hidden

    class Attn(nn.Module):
        def __init__(self, method, hidden_size):
            super(Attn, self).__init__()
            self.method = method
            self.hidden_size = hidden_size
            self.attn = nn.Linear(self.hidden_size, hidden_size)

        def general_score(self, hidden, encoder_output):
            energy = self.attn(encoder_output)
            return torch.sum(hidden * energy, dim=2)

        def forward(self, hidden, encoder_outputs):
            attn_energies = self.general_score(hidden, encoder_outputs)
            attn_energies = attn_energies.t()
            return F.softmax(attn_energies, dim=1).unsqueeze(1)

    class LuongAttnDecoderRNN(nn.Module):
        def __init__(self, attn_model, embedding, hidden_size, output_size, n_layers=1, dropout=0.1):
            super(LuongAttnDecoderRNN, self).__init__()
            self.embedding = embedding
            self.embedding_dropout = nn.Dropout(dropout)
            self.gru = nn.GRU(hidden_size, hidden_size, n_layers,
                              dropout=(0 if n_layers == 1 else dropout))
            self.concat = nn.Linear(hidden_size * 2, hidden_size)
            self.out = nn.Linear(hidden_size, output_size)
            self.attn = Attn(attn_model, hidden_size)
            self.n_layers = n_layers

        def forward(self, input_step, last_hidden, encoder_outputs):
            embedded = self.embedding(input_step)
            embedded = self.embedding_dropout(embedded)
            rnn_output, hidden = self.gru(embedded, last_hidden)
            attn_weights = self.attn(rnn_output, encoder_outputs)
            context = attn_weights.bmm(encoder_outputs.transpose(0, 1))
            rnn_output = rnn_output.squeeze(0)
            context = context.squeeze(1)
            concat_input = torch.cat((rnn_output, context), 1)
            concat_output = torch.tanh(self.concat(concat_input))
            output = self.out(concat_output)
            output = F.softmax(output, dim=1)
            return output, hidden

    def maskNLLLoss(inp, target, mask):
        nTotal = mask.sum()
        crossEntropy = -torch.log(torch.gather(inp, 1, target.view(-1, 1)).squeeze(1))
        loss = crossEntropy.masked_select(mask).mean()
        return loss, nTotal.item()

    torch.manual_seed(0)
    pairs = sorted(zip(batch, targets), key=lambda p: len(p[0]), reverse=True)
    input_variable, lengths = inputVar([p[0] for p in pairs])
    target_variable, mask, max_target_len = outputVar([p[1] for p in pairs])
    hidden_size, voc_size, decoder_n_layers = 8, 11, 2
    embedding = nn.Embedding(voc_size, hidden_size)
    encoder = EncoderRNN(hidden_size, embedding, 2, 0.1)
    decoder = LuongAttnDecoderRNN('general', embedding, hidden_size, voc_size, decoder_n_layers, 0.1)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=0.001)
    losses = []
    for step in range(2):
        optimizer.zero_grad()
        encoder_outputs, encoder_hidden = encoder(input_variable, lengths)
        decoder_input = torch.LongTensor([[SOS_token for _ in range(len(pairs))]])
        decoder_hidden = encoder_hidden[:decoder_n_layers]
        loss, print_losses, n_totals = 0, [], 0
        for t in range(max_target_len):
            decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden, encoder_outputs)
            decoder_input = target_variable[t].view(1, -1)
            mask_loss, nTotal = maskNLLLoss(decoder_output, target_variable[t], mask[t])
            loss += mask_loss
            print_losses.append(mask_loss.item() * nTotal)
            n_totals += nTotal
        loss.backward()
        nn.utils.clip_grad_norm_(encoder.parameters(), 50.0)
        nn.utils.clip_grad_norm_(decoder.parameters(), 50.0)
        optimizer.step()
        losses.append(sum(print_losses) / n_totals)
    return {"init_padded": input_variable, "init_mask": mask, "lengths": lengths,
            "encoder_outputs": encoder_outputs, "losses": losses,
            "embedding_grad": embedding.weight.grad}


def transformer_translation(torch):
    """"Language Translation with nn.Transformer": Seq2SeqTransformer (nn.Transformer with
    TokenEmbedding and PositionalEncoding), create_mask with square subsequent and key padding
    masks, a few training steps, greedy_decode through encode/decode in eval mode."""
    from torch import Tensor
    import torch.nn as nn
    from torch.nn import Transformer
    PAD_IDX, BOS_IDX, EOS_IDX = 1, 2, 3
    SRC_VOCAB_SIZE, TGT_VOCAB_SIZE, EMB_SIZE, NHEAD, FFN_HID_DIM = 12, 10, 16, 2, 32

    class PositionalEncoding(nn.Module):
        def __init__(self, emb_size: int, dropout: float, maxlen: int = 50):
            super(PositionalEncoding, self).__init__()
            den = torch.exp(- torch.arange(0, emb_size, 2) * math.log(10000) / emb_size)
            pos = torch.arange(0, maxlen).reshape(maxlen, 1)
            pos_embedding = torch.zeros((maxlen, emb_size))
            pos_embedding[:, 0::2] = torch.sin(pos * den)
            pos_embedding[:, 1::2] = torch.cos(pos * den)
            pos_embedding = pos_embedding.unsqueeze(-2)
            self.dropout = nn.Dropout(dropout)
            self.register_buffer('pos_embedding', pos_embedding)

        def forward(self, token_embedding: Tensor):
            return self.dropout(token_embedding + self.pos_embedding[:token_embedding.size(0), :])

    class TokenEmbedding(nn.Module):
        def __init__(self, vocab_size: int, emb_size):
            super(TokenEmbedding, self).__init__()
            self.embedding = nn.Embedding(vocab_size, emb_size)
            self.emb_size = emb_size

        def forward(self, tokens: Tensor):
            return self.embedding(tokens.long()) * math.sqrt(self.emb_size)

    class Seq2SeqTransformer(nn.Module):
        def __init__(self, num_encoder_layers, num_decoder_layers, emb_size, nhead,
                     src_vocab_size, tgt_vocab_size, dim_feedforward=512, dropout=0.1):
            super(Seq2SeqTransformer, self).__init__()
            self.transformer = Transformer(d_model=emb_size, nhead=nhead,
                                           num_encoder_layers=num_encoder_layers,
                                           num_decoder_layers=num_decoder_layers,
                                           dim_feedforward=dim_feedforward, dropout=dropout)
            self.generator = nn.Linear(emb_size, tgt_vocab_size)
            self.src_tok_emb = TokenEmbedding(src_vocab_size, emb_size)
            self.tgt_tok_emb = TokenEmbedding(tgt_vocab_size, emb_size)
            self.positional_encoding = PositionalEncoding(emb_size, dropout=dropout)

        def forward(self, src, trg, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask,
                    memory_key_padding_mask):
            src_emb = self.positional_encoding(self.src_tok_emb(src))
            tgt_emb = self.positional_encoding(self.tgt_tok_emb(trg))
            outs = self.transformer(src_emb, tgt_emb, src_mask, tgt_mask, None,
                                    src_padding_mask, tgt_padding_mask, memory_key_padding_mask)
            return self.generator(outs)

        def encode(self, src, src_mask):
            return self.transformer.encoder(self.positional_encoding(self.src_tok_emb(src)),
                                            src_mask)

        def decode(self, tgt, memory, tgt_mask):
            return self.transformer.decoder(self.positional_encoding(self.tgt_tok_emb(tgt)),
                                            memory, tgt_mask)

    def generate_square_subsequent_mask(sz):
        mask = (torch.triu(torch.ones((sz, sz))) == 1).transpose(0, 1)
        mask = mask.float().masked_fill(mask == 0, float('-inf')).masked_fill(mask == 1, float(0.0))
        return mask

    def create_mask(src, tgt):
        src_seq_len = src.shape[0]
        tgt_seq_len = tgt.shape[0]
        tgt_mask = generate_square_subsequent_mask(tgt_seq_len)
        src_mask = torch.zeros((src_seq_len, src_seq_len)).type(torch.bool)
        src_padding_mask = (src == PAD_IDX).transpose(0, 1)
        tgt_padding_mask = (tgt == PAD_IDX).transpose(0, 1)
        return src_mask, tgt_mask, src_padding_mask, tgt_padding_mask

    torch.manual_seed(0)
    transformer = Seq2SeqTransformer(2, 2, EMB_SIZE, NHEAD, SRC_VOCAB_SIZE, TGT_VOCAB_SIZE,
                                     FFN_HID_DIM)
    for p in transformer.parameters():
        if p.dim() > 1:
            nn.init.xavier_uniform_(p)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=PAD_IDX)
    optimizer = torch.optim.Adam(transformer.parameters(), lr=0.0001, betas=(0.9, 0.98), eps=1e-9)
    src = torch.tensor([[2, 2, 2], [5, 7, 9], [6, 11, 4], [3, 8, 3], [1, 3, 1]])
    tgt = torch.tensor([[2, 2, 2], [4, 6, 8], [5, 3, 9], [3, 1, 3]])
    losses = []
    transformer.train()
    for step in range(3):
        tgt_input = tgt[:-1, :]
        src_mask, tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(src, tgt_input)
        logits = transformer(src, tgt_input, src_mask, tgt_mask, src_padding_mask,
                             tgt_padding_mask, src_padding_mask)
        optimizer.zero_grad()
        tgt_out = tgt[1:, :]
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    def greedy_decode(model, src, src_mask, max_len, start_symbol):
        memory = model.encode(src, src_mask)
        ys = torch.ones(1, 1).fill_(start_symbol).type(torch.long)
        for i in range(max_len - 1):
            tgt_mask = (generate_square_subsequent_mask(ys.size(0)).type(torch.bool))
            out = model.decode(ys, memory, tgt_mask)
            out = out.transpose(0, 1)
            prob = model.generator(out[:, -1])
            _, next_word = torch.max(prob, dim=1)
            next_word = next_word.item()
            ys = torch.cat([ys, torch.ones(1, 1).type_as(src.data).fill_(next_word)], dim=0)
            if next_word == EOS_IDX:
                break
        return ys, memory

    transformer.eval()
    one = src[:, :1]
    ys, memory = greedy_decode(transformer, one, torch.zeros(5, 5).type(torch.bool), 6, BOS_IDX)
    return {"losses": losses, "memory": memory, "decoded": ys,
            "mask": generate_square_subsequent_mask(3)}


def bilstm_crf(torch):
    """"Advanced: Making Dynamic Decisions and the Bi-LSTM CRF": the forward algorithm with
    log_sum_exp, the gold-path score, Viterbi decoding with backpointers, a bidirectional
    LSTM feeding the CRF, SGD with weight_decay; Viterbi paths before and after training."""
    import torch.nn as nn
    import torch.optim as optim

    def argmax(vec):
        _, idx = torch.max(vec, 1)
        return idx.item()

    def prepare_sequence(seq, to_ix):
        idxs = [to_ix[w] for w in seq]
        return torch.tensor(idxs, dtype=torch.long)

    def log_sum_exp(vec):
        max_score = vec[0, argmax(vec)]
        max_score_broadcast = max_score.view(1, -1).expand(1, vec.size()[1])
        return max_score + torch.log(torch.sum(torch.exp(vec - max_score_broadcast)))

    START_TAG, STOP_TAG = "<START>", "<STOP>"

    class BiLSTM_CRF(nn.Module):
        def __init__(self, vocab_size, tag_to_ix, embedding_dim, hidden_dim):
            super(BiLSTM_CRF, self).__init__()
            self.embedding_dim = embedding_dim
            self.hidden_dim = hidden_dim
            self.vocab_size = vocab_size
            self.tag_to_ix = tag_to_ix
            self.tagset_size = len(tag_to_ix)
            self.word_embeds = nn.Embedding(vocab_size, embedding_dim)
            self.lstm = nn.LSTM(embedding_dim, hidden_dim // 2, num_layers=1, bidirectional=True)
            self.hidden2tag = nn.Linear(hidden_dim, self.tagset_size)
            self.transitions = nn.Parameter(torch.randn(self.tagset_size, self.tagset_size))
            self.transitions.data[tag_to_ix[START_TAG], :] = -10000
            self.transitions.data[:, tag_to_ix[STOP_TAG]] = -10000
            self.hidden = self.init_hidden()

        def init_hidden(self):
            return (torch.randn(2, 1, self.hidden_dim // 2), torch.randn(2, 1, self.hidden_dim // 2))

        def _forward_alg(self, feats):
            init_alphas = torch.full((1, self.tagset_size), -10000.)
            init_alphas[0][self.tag_to_ix[START_TAG]] = 0.
            forward_var = init_alphas
            for feat in feats:
                alphas_t = []
                for next_tag in range(self.tagset_size):
                    emit_score = feat[next_tag].view(1, -1).expand(1, self.tagset_size)
                    trans_score = self.transitions[next_tag].view(1, -1)
                    next_tag_var = forward_var + trans_score + emit_score
                    alphas_t.append(log_sum_exp(next_tag_var).view(1))
                forward_var = torch.cat(alphas_t).view(1, -1)
            terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
            alpha = log_sum_exp(terminal_var)
            return alpha

        def _get_lstm_features(self, sentence):
            self.hidden = self.init_hidden()
            embeds = self.word_embeds(sentence).view(len(sentence), 1, -1)
            lstm_out, self.hidden = self.lstm(embeds, self.hidden)
            lstm_out = lstm_out.view(len(sentence), self.hidden_dim)
            lstm_feats = self.hidden2tag(lstm_out)
            return lstm_feats

        def _score_sentence(self, feats, tags):
            score = torch.zeros(1)
            tags = torch.cat([torch.tensor([self.tag_to_ix[START_TAG]], dtype=torch.long), tags])
            for i, feat in enumerate(feats):
                score = score + self.transitions[tags[i + 1], tags[i]] + feat[tags[i + 1]]
            score = score + self.transitions[self.tag_to_ix[STOP_TAG], tags[-1]]
            return score

        def _viterbi_decode(self, feats):
            backpointers = []
            init_vvars = torch.full((1, self.tagset_size), -10000.)
            init_vvars[0][self.tag_to_ix[START_TAG]] = 0
            forward_var = init_vvars
            for feat in feats:
                bptrs_t = []
                viterbivars_t = []
                for next_tag in range(self.tagset_size):
                    next_tag_var = forward_var + self.transitions[next_tag]
                    best_tag_id = argmax(next_tag_var)
                    bptrs_t.append(best_tag_id)
                    viterbivars_t.append(next_tag_var[0][best_tag_id].view(1))
                forward_var = (torch.cat(viterbivars_t) + feat).view(1, -1)
                backpointers.append(bptrs_t)
            terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
            best_tag_id = argmax(terminal_var)
            path_score = terminal_var[0][best_tag_id]
            best_path = [best_tag_id]
            for bptrs_t in reversed(backpointers):
                best_tag_id = bptrs_t[best_tag_id]
                best_path.append(best_tag_id)
            start = best_path.pop()
            assert start == self.tag_to_ix[START_TAG]
            best_path.reverse()
            return path_score, best_path

        def neg_log_likelihood(self, sentence, tags):
            feats = self._get_lstm_features(sentence)
            forward_score = self._forward_alg(feats)
            gold_score = self._score_sentence(feats, tags)
            return forward_score - gold_score

        def forward(self, sentence):
            lstm_feats = self._get_lstm_features(sentence)
            score, tag_seq = self._viterbi_decode(lstm_feats)
            return score, tag_seq

    torch.manual_seed(1)
    EMBEDDING_DIM, HIDDEN_DIM = 5, 4
    training_data = [("the wall street journal reported today that apple corporation made money"
                      .split(), "B I I I O O O B I O O".split()),
                     ("georgia tech is a university in georgia".split(), "B I O O O O B".split())]
    word_to_ix = {}
    for sentence, tags in training_data:
        for word in sentence:
            if word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    tag_to_ix = {"B": 0, "I": 1, "O": 2, START_TAG: 3, STOP_TAG: 4}
    model = BiLSTM_CRF(len(word_to_ix), tag_to_ix, EMBEDDING_DIM, HIDDEN_DIM)
    optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-4)
    with torch.no_grad():
        precheck_sent = prepare_sequence(training_data[0][0], word_to_ix)
        before = model(precheck_sent)
    losses = []
    for epoch in range(3):
        for sentence, tags in training_data:
            model.zero_grad()
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = torch.tensor([tag_to_ix[t] for t in tags], dtype=torch.long)
            loss = model.neg_log_likelihood(sentence_in, targets)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    with torch.no_grad():
        after = model(prepare_sequence(training_data[0][0], word_to_ix))
    return {"before": before, "losses": losses, "after": after,
            "transitions": model.transitions.detach()}


PROGRAMS = [bilstm_crf, transformer_translation, char_rnn_classification,
            chatbot_encoder_with_packed_sequences, seq2seq_attention, bag_of_words_classifier,
            ngram_language_model, lstm_part_of_speech_tagger, text_classification_embedding_bag,
            word_language_model_lstm, word_language_model_transformer, attention_from_scratch,
            time_sequence_prediction]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_runs_unchanged_and_matches_torch(program):
    assert_same_run(program)
