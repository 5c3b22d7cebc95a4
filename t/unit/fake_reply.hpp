// Canned hiredis replies for driving Exchanges without a Redis server.
#pragma once

#include <hiredis/hiredis.h>

#include <deque>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

class FakeReply {
public:
    static FakeReply string(std::string s) { return FakeReply(REDIS_REPLY_STRING, std::move(s)); }
    static FakeReply status(std::string s) { return FakeReply(REDIS_REPLY_STATUS, std::move(s)); }
    static FakeReply error(std::string s) { return FakeReply(REDIS_REPLY_ERROR, std::move(s)); }
    static FakeReply nil() { return FakeReply(REDIS_REPLY_NIL, ""); }
    static FakeReply integer(long long n) {
        FakeReply r(REDIS_REPLY_INTEGER, "");
        r.reply_->integer = n;
        return r;
    }
    static FakeReply array(std::vector<FakeReply> items) {
        FakeReply r(REDIS_REPLY_ARRAY, "");
        r.children_ = std::make_shared<std::vector<FakeReply>>(std::move(items));
        for (FakeReply &c : *r.children_) r.pointers_->push_back(c.reply_.get());
        r.reply_->elements = r.pointers_->size();
        r.reply_->element = r.pointers_->data();
        return r;
    }
    // An array of strings, the usual script reply.
    static FakeReply strings(std::initializer_list<const char *> items) {
        std::vector<FakeReply> v;
        for (const char *s : items) v.push_back(string(s));
        return array(std::move(v));
    }

    const redisReply &operator*() const { return *reply_; }

private:
    FakeReply(int type, std::string s)
        : text_(std::make_shared<std::string>(std::move(s))),
          reply_(std::make_shared<redisReply>()),
          pointers_(std::make_shared<std::vector<redisReply *>>()) {
        *reply_ = redisReply{};
        reply_->type = type;
        reply_->str = text_->data();
        reply_->len = text_->size();
    }

    std::shared_ptr<std::string> text_;
    std::shared_ptr<redisReply> reply_;
    std::shared_ptr<std::vector<redisReply *>> pointers_;
    std::shared_ptr<std::vector<FakeReply>> children_;
};
